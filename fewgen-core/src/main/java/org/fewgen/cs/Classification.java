package org.fewgen.cs;

import smile.classification.KNN;
import smile.classification.LogisticRegression;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Representation quality: compressed measurements as features for standard classifiers
 * (Smile's multinomial logistic regression and k-nearest neighbours), trained on measurements of
 * training images and scored on measurements of test images.
 */
public final class Classification {

    private Classification() {
    }

    /** Accuracies by classifier name ("logistic", "knn-5"). */
    public static Map<String, Double> accuracies(float[] trainFeatures, int[] trainLabels, float[] testFeatures,
                                                 int[] testLabels, int m, int k) {
        double[][] xtr = rows(trainFeatures, trainLabels.length, m);
        double[][] xte = rows(testFeatures, testLabels.length, m);
        standardise(xtr, xte);
        Map<String, Double> out = new LinkedHashMap<>();
        LogisticRegression lr = LogisticRegression.fit(xtr, trainLabels, 1e-4, 1e-5, 500);
        out.put("logistic", accuracy(lr::predict, xte, testLabels));
        KNN<double[]> knn = KNN.fit(xtr, trainLabels, k);
        out.put("knn-" + k, accuracy(knn::predict, xte, testLabels));
        return out;
    }

    private static double accuracy(java.util.function.ToIntFunction<double[]> predict, double[][] x, int[] y) {
        int ok = 0;
        for (int i = 0; i < x.length; i++) {
            if (predict.applyAsInt(x[i]) == y[i]) {
                ok++;
            }
        }
        return ok / (double) x.length;
    }

    private static double[][] rows(float[] flat, int count, int m) {
        double[][] out = new double[count][m];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < m; j++) {
                out[i][j] = flat[i * m + j];
            }
        }
        return out;
    }

    /** Zero mean, unit variance per feature from the training rows (logistic regression converges on any scale). */
    private static void standardise(double[][] train, double[][] test) {
        int m = train[0].length;
        for (int j = 0; j < m; j++) {
            double mean = 0;
            for (double[] r : train) {
                mean += r[j];
            }
            mean /= train.length;
            double var = 0;
            for (double[] r : train) {
                var += (r[j] - mean) * (r[j] - mean);
            }
            double sd = Math.sqrt(var / train.length) + 1e-12;
            for (double[] r : train) {
                r[j] = (r[j] - mean) / sd;
            }
            for (double[] r : test) {
                r[j] = (r[j] - mean) / sd;
            }
        }
    }
}
