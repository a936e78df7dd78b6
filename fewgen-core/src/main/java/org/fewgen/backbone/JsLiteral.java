package org.fewgen.backbone;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JavaScript object literal as minified code writes it: unquoted keys, {@code !0} and
 * {@code !1} for true and false, numbers such as {@code .5} or {@code 1963e-20}. nsfwjs ships its
 * model topology and weight manifest this way (in {@code model.min.js}) rather than as JSON.
 * Objects become {@code LinkedHashMap<String, Object>}, arrays {@code List<Object>}, numbers
 * {@code Double}, and {@code null} stays null.
 */
final class JsLiteral {

    private final String s;
    private int i;

    private JsLiteral(String s, int start) {
        this.s = s;
        this.i = start;
    }

    /** The value that starts at {@code start} (after optional whitespace). */
    static Object parse(String source, int start) {
        return new JsLiteral(source, start).value();
    }

    private Object value() {
        skipSpace();
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
            case '\'':
                return string();
            case '!':
                if (i + 1 < s.length() && (s.charAt(i + 1) == '0' || s.charAt(i + 1) == '1')) {
                    i += 2;
                    return s.charAt(i - 1) == '0';
                }
                throw error("unexpected '!'");
            default:
                if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
                    return number();
                }
                String word = identifier();
                switch (word) {
                    case "null":
                    case "undefined":
                        return null;
                    case "true":
                        return Boolean.TRUE;
                    case "false":
                        return Boolean.FALSE;
                    default:
                        throw error("unexpected '" + word + "'");
                }
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        i++;
        skipSpace();
        if (peek() == '}') {
            i++;
            return map;
        }
        while (true) {
            skipSpace();
            char c = peek();
            String key = c == '"' || c == '\'' ? string() : Character.isDigit(c) ? number().toString() : identifier();
            skipSpace();
            expect(':');
            map.put(key, value());
            skipSpace();
            char sep = peek();
            i++;
            if (sep == '}') {
                return map;
            }
            if (sep != ',') {
                i--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        i++;
        skipSpace();
        if (peek() == ']') {
            i++;
            return list;
        }
        while (true) {
            list.add(value());
            skipSpace();
            char sep = peek();
            i++;
            if (sep == ']') {
                return list;
            }
            if (sep != ',') {
                i--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        char quote = s.charAt(i++);
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == quote) {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
    }

    private Double number() {
        int start = i;
        while (i < s.length() && "+-.0123456789eE".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        try {
            return Double.parseDouble(s.substring(start, i));
        } catch (NumberFormatException e) {
            i = start;
            throw error("bad number");
        }
    }

    private String identifier() {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) {
            i++;
        }
        if (i == start) {
            throw error("unexpected '" + s.charAt(i) + "'");
        }
        return s.substring(start, i);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        i++;
    }

    private char peek() {
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        return s.charAt(i);
    }

    private void skipSpace() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private IllegalArgumentException error(String what) {
        int from = Math.max(0, i - 20);
        int to = Math.min(s.length(), i + 20);
        return new IllegalArgumentException("JavaScript literal at offset " + i + ": " + what + " near '"
                + s.substring(from, to) + "'");
    }
}
