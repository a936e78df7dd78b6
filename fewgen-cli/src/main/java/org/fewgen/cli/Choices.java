package org.fewgen.cli;

import org.fewgen.gan.ConvKind;
import org.fewgen.nn.Precision;
import picocli.CommandLine.ITypeConverter;

/**
 * picocli's converters of fewgen's choices, one a type: each hands the text to the one parser of
 * its type in the library ({@link ConvKind#parse}, {@link Precision#parse}), whose
 * {@link org.fewgen.util.SettingException} {@link FewgenCommand#commandLine()} prints as one line
 * naming the option, the value and the allowed values ({@code --d-conv 'x': must be conv or dsc}).
 */
final class Choices {

    private Choices() {
    }

    /** {@code conv} or {@code dsc}, any case. */
    static final class Conv implements ITypeConverter<ConvKind> {
        @Override
        public ConvKind convert(String value) {
            return ConvKind.parse("conv", value);
        }
    }

    /** {@code fp32}, {@code bf16} or {@code auto}, any case. */
    static final class Arithmetic implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            return Precision.parse("precision", value);
        }
    }
}
