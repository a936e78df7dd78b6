package org.fewgen.util;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.util.Locale;

/**
 * Chooses where tensors live. {@code auto} takes the first CUDA GPU that DJL's PyTorch engine can
 * see and the CPU otherwise, so the same command runs on a laptop and on a GPU server.
 */
public final class Devices {

    private Devices() {
    }

    /**
     * @param option {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
     * @return the device
     * @throws IllegalArgumentException naming the option when it is unknown or no GPU exists
     */
    public static Device choose(String option) {
        String o = option == null ? "auto" : option.trim().toLowerCase(Locale.ROOT);
        Engine engine = Engine.getEngine("PyTorch");
        int gpus = engine.getGpuCount();
        Device d;
        if (o.equals("auto")) {
            d = gpus > 0 ? Device.gpu(0) : Device.cpu();
        } else if (o.equals("cpu")) {
            d = Device.cpu();
        } else if (o.equals("gpu") || o.equals("cuda") || o.startsWith("gpu:") || o.startsWith("cuda:")) {
            int id = o.contains(":") ? Integer.parseInt(o.substring(o.indexOf(':') + 1)) : 0;
            if (id >= gpus) {
                throw new SettingException("device", option, "DJL's PyTorch engine sees " + gpus
                        + " GPU(s); see README 'Using a CUDA GPU'");
            }
            d = Device.gpu(id);
        } else {
            throw new SettingException("device", "'" + option + "'", "must be auto, cpu, gpu or gpu:N");
        }
        if (d.isGpu()) {
            // fixed shapes in training: let cuDNN pick the fastest kernels once
            JniUtils.setBenchmarkCuDNN(true);
        }
        return d;
    }
}
