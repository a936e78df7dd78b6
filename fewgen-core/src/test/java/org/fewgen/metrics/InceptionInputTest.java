package org.fewgen.metrics;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class InceptionInputTest {

    @Test
    void uint8AndMinusOneToOneInputsGiveTheSameNetworkInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            byte[] px = new byte[3 * 4 * 4];
            float[] f = new float[px.length];
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) (i * 5);
                f[i] = (i * 5) / 127.5f - 1f;
            }
            NDArray u8 = m.create(java.nio.ByteBuffer.wrap(px), new Shape(1, 3, 4, 4), DataType.UINT8);
            NDArray fl = m.create(f, new Shape(1, 3, 4, 4));
            NDArray a = InceptionInput.prepare(u8, Device.cpu(), InceptionInput.Range.MINUS_ONE_TO_ONE, false);
            NDArray b = InceptionInput.prepare(fl, Device.cpu(), InceptionInput.Range.MINUS_ONE_TO_ONE, false);
            assertThat(a.getShape()).isEqualTo(new Shape(1, 3, 299, 299));
            assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(a.sub(b).abs().max().getFloat()).isLessThan(1e-5f);
            // corners keep the corner pixel values under both conventions
            assertThat(a.getFloat(0, 0, 0, 0)).isCloseTo(-1f, within(1e-6f));
            assertThat(a.getFloat(0, 2, 298, 298)).isCloseTo(235 / 127.5f - 1f, within(1e-5f));
            NDArray z = InceptionInput.prepare(u8, Device.cpu(), InceptionInput.Range.ZERO_TO_ONE, true);
            assertThat(z.getFloat(0, 2, 298, 298)).isCloseTo(235 / 255f, within(1e-6f));
            assertThat(z.min().getFloat()).isGreaterThanOrEqualTo(0f);
        }
    }

    @Test
    void bilinearResizeFollowsTheChosenCornerConvention() {
        // a 2-pixel ramp 0 -> 1 across a row; at 299 the half-pixel convention (pytorch-fid)
        // holds 0 for the first ~75 columns, the align-corners convention (tfjs) rises at once
        try (NDManager m = NDManager.newBaseManager()) {
            float[] f = new float[3 * 2 * 2];
            for (int c = 0; c < 3; c++) {
                f[c * 4 + 1] = 1f;
                f[c * 4 + 3] = 1f;
                f[c * 4] = -1f;
                f[c * 4 + 2] = -1f;
            }
            NDArray x = m.create(f, new Shape(1, 3, 2, 2));
            NDArray half = InceptionInput.prepare(x, Device.cpu(), InceptionInput.Range.ZERO_TO_ONE, false);
            NDArray corners = InceptionInput.prepare(x, Device.cpu(), InceptionInput.Range.ZERO_TO_ONE, true);
            // align_corners=false: src = (dst + 0.5) * 2/299 - 0.5
            int col = 150;
            double src = (col + 0.5) * 2 / 299.0 - 0.5;
            assertThat(half.getFloat(0, 0, 10, col)).isCloseTo((float) src, within(1e-5f));
            assertThat(half.getFloat(0, 0, 10, 50)).isEqualTo(0f);
            assertThat(corners.getFloat(0, 0, 10, col)).isCloseTo(col / 298f, within(1e-5f));
            assertThat(corners.getFloat(0, 1, 10, 50)).isCloseTo(50 / 298f, within(1e-5f));
            assertThat(half.get(new NDIndex(":, :, :, 298")).min().getFloat()).isEqualTo(1f);
        }
    }

    @Test
    void inputAlreadyAt299IsNotResampled() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1f, 1f, new Shape(1, 3, 299, 299));
            NDArray y = InceptionInput.prepare(x, Device.cpu(), InceptionInput.Range.MINUS_ONE_TO_ONE, false);
            assertThat(y.sub(x).abs().max().getFloat()).isLessThan(1e-6f);
        }
    }

    @Test
    void wrongShapeIsAClearError() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(2, 1, 8, 8));
            assertThatThrownBy(() -> InceptionInput.prepare(x, Device.cpu(), InceptionInput.Range.ZERO_TO_ONE, false))
                    .hasMessageContaining("(N, 3, H, W)").hasMessageContaining("(2, 1, 8, 8)");
        }
    }
}
