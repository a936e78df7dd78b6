package org.fewgen.data;

/**
 * A data source that cannot be used: missing, unreadable, or without a single decodable image.
 * The message is one complete line that names the source, suitable for {@code fewgen: error: ...}.
 */
public final class DataException extends RuntimeException {

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
