package org.fewgen.cs;

import ai.djl.ndarray.NDManager;
import org.fewgen.util.SettingException;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The methods of {@code fewgen cs compare}, in the default order; {@link #id} is the name on the
 * command line and in the results. Each one says how it is made ready at one m ({@link #fit});
 * the work itself is in {@link MethodFits}.
 */
public enum CompareMethod {
    UAE("uae", false, base -> base.withEncoder("linear", 0f, "")),
    UAE_UNIT("uae-unit", false, base -> base.withEncoder("linear", 1f, "")),
    PCA_MLP("pca-mlp", false, base -> base.withEncoder("fixed", 0f, "pca")) {
        @Override
        MethodFits.Fitted fit(MethodFits fits, NDManager scope, int m) throws IOException {
            return fits.trained(scope, m, this, fits.pca().directions(m));
        }
    },
    PCA_LINEAR("pca-linear", false, null) {
        @Override
        MethodFits.Fitted fit(MethodFits fits, NDManager scope, int m) {
            return fits.pcaLinear(m);
        }
    },
    LASSO_PIXEL("lasso-pixel", true, null) {
        @Override
        MethodFits.Fitted fit(MethodFits fits, NDManager scope, int m) {
            return fits.lasso(scope, m, Lasso.Basis.PIXEL);
        }
    },
    LASSO_DCT("lasso-dct", true, null) {
        @Override
        MethodFits.Fitted fit(MethodFits fits, NDManager scope, int m) {
            return fits.lasso(scope, m, Lasso.Basis.DCT);
        }
    },
    CSVAE("csvae", true, null) {
        @Override
        MethodFits.Fitted fit(MethodFits fits, NDManager scope, int m) throws IOException {
            return fits.csvae(m);
        }
    };

    /** All method names, in the default order. */
    public static final List<String> IDS = Arrays.stream(values()).map(CompareMethod::id).toList();

    private final String id;
    /** LASSO and CS-VAE solve per image: costly, so fewer images and only the reported setting. */
    private final boolean iterative;
    private final UnaryOperator<UaeConfig> trainedConfig;

    CompareMethod(String id, boolean iterative, UnaryOperator<UaeConfig> trainedConfig) {
        this.id = id;
        this.iterative = iterative;
        this.trainedConfig = trainedConfig;
    }

    public String id() {
        return id;
    }

    boolean iterative() {
        return iterative;
    }

    /**
     * Trains (or reuses) what the method needs at m, in {@code scope}, closed after its
     * evaluation; here: a trained UAE run.
     */
    MethodFits.Fitted fit(MethodFits fits, NDManager scope, int m) throws IOException {
        return fits.trained(scope, m, this, null);
    }

    /** The run config of a trained method at m = 1, or null for a method that trains nothing. */
    UaeConfig trainedConfig(UaeConfig base) {
        return trainedConfig == null ? null : trainedConfig.apply(base);
    }

    /** How many test images the method is evaluated on: the first ones. */
    int images(Compare.Settings s, int testCount) {
        if (!iterative) {
            return testCount;
        }
        return Math.min(testCount, this == CSVAE ? s.csvaeImages() : s.lassoImages());
    }

    /** The method named {@code name}; the one parser of method names. */
    public static CompareMethod parse(String name) {
        for (CompareMethod m : values()) {
            if (m.id.equals(name)) {
                return m;
            }
        }
        throw new SettingException("methods", name, "unknown method '" + name + "'; known: " + String.join(", ", IDS));
    }

    public static List<CompareMethod> parseAll(List<String> names) {
        return names.stream().map(CompareMethod::parse).toList();
    }
}
