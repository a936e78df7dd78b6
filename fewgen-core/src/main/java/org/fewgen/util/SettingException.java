package org.fewgen.util;

/**
 * A setting with a value that cannot be used. The message names the setting as the library knows
 * it (the configuration record's field, e.g. {@code resolution 32: must be a power of two from 64
 * to 1024}); the CLI shows the same reason under its option name ({@code --res 32: ...}).
 */
public final class SettingException extends IllegalArgumentException {

    private final String setting;
    private final String value;
    private final String reason;

    /**
     * @param setting the configuration field, camelCase ({@code resolution}, {@code dInput})
     * @param value the offending value as text, or null when there is none (a missing setting)
     * @param reason why it cannot be used, starting lower-case
     */
    public SettingException(String setting, Object value, String reason) {
        super(setting + (value == null ? "" : " " + value) + ": " + reason);
        this.setting = setting;
        this.value = value == null ? null : value.toString();
        this.reason = reason;
    }

    public String setting() {
        return setting;
    }

    /** The value as text, or null. */
    public String value() {
        return value;
    }

    public String reason() {
        return reason;
    }
}
