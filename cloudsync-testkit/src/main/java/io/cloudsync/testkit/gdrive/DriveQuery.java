package io.cloudsync.testkit.gdrive;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The subset of Drive's {@code q} search language that a sync provider needs: {@code 'id' in parents},
 * {@code name}, {@code mimeType}, {@code trashed} with {@code = != }, {@code name contains},
 * {@code appProperties has { key='k' and value='v' }}, combined with {@code and}, {@code or},
 * {@code not} and parentheses. Anything else is refused so an unsupported query fails loudly.
 */
final class DriveQuery {

    /** A query the fake does not understand; answered with 400 {@code invalid}, location {@code q}. */
    static final class InvalidQueryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidQueryException(String message) {
            super(message);
        }
    }

    private final List<String> tokens;
    private int pos;

    private DriveQuery(List<String> tokens) {
        this.tokens = tokens;
    }

    /**
     * Parses a query.
     *
     * @param q the query text, or null for "everything"
     * @return a predicate over stored files
     */
    static Predicate<DriveStore.Item> parse(String q) {
        if (q == null || q.isBlank()) {
            return item -> true;
        }
        DriveQuery parser = new DriveQuery(tokenize(q));
        Predicate<DriveStore.Item> result = parser.or();
        if (parser.pos != parser.tokens.size()) {
            throw new InvalidQueryException("unexpected '" + parser.tokens.get(parser.pos) + "' in query");
        }
        return result;
    }

    private Predicate<DriveStore.Item> or() {
        Predicate<DriveStore.Item> left = and();
        while (peekKeyword("or")) {
            pos++;
            left = left.or(and());
        }
        return left;
    }

    private Predicate<DriveStore.Item> and() {
        Predicate<DriveStore.Item> left = not();
        while (peekKeyword("and")) {
            pos++;
            left = left.and(not());
        }
        return left;
    }

    private Predicate<DriveStore.Item> not() {
        if (peekKeyword("not")) {
            pos++;
            return not().negate();
        }
        if ("(".equals(peek())) {
            pos++;
            Predicate<DriveStore.Item> inner = or();
            expect(")");
            return inner;
        }
        return term();
    }

    private Predicate<DriveStore.Item> term() {
        String first = next();
        if (isString(first)) {
            String value = unquote(first);
            expectKeyword("in");
            String field = next();
            if (!field.equals("parents")) {
                throw new InvalidQueryException("'in' is supported only for parents, not " + field);
            }
            return item -> item.parents.contains(value);
        }
        String field = first;
        switch (field) {
            case "name", "mimeType" -> {
                String op = next();
                String value = unquote(requireString(next()));
                java.util.function.Function<DriveStore.Item, String> getter =
                        field.equals("name") ? i -> i.name : i -> i.mimeType;
                return switch (op) {
                    case "=" -> item -> value.equals(getter.apply(item));
                    case "!=" -> item -> !value.equals(getter.apply(item));
                    case "contains" -> item -> getter.apply(item).contains(value);
                    default -> throw new InvalidQueryException("operator " + op + " is not supported for " + field);
                };
            }
            case "trashed" -> {
                String op = next();
                String value = next().toLowerCase(Locale.ROOT);
                if (!value.equals("true") && !value.equals("false")) {
                    throw new InvalidQueryException("trashed takes true or false, was " + value);
                }
                boolean expected = Boolean.parseBoolean(value);
                return switch (op) {
                    case "=" -> item -> item.trashed == expected;
                    case "!=" -> item -> item.trashed != expected;
                    default -> throw new InvalidQueryException("operator " + op + " is not supported for trashed");
                };
            }
            case "appProperties", "properties" -> {
                expectKeyword("has");
                expect("{");
                expectKeyword("key");
                expect("=");
                String key = unquote(requireString(next()));
                expectKeyword("and");
                expectKeyword("value");
                expect("=");
                String value = unquote(requireString(next()));
                expect("}");
                if (field.equals("properties")) {
                    return item -> false;
                }
                return item -> value.equals(item.appProperties.get(key));
            }
            default -> throw new InvalidQueryException("field " + field + " is not supported by FakeDriveServer");
        }
    }

    private static List<String> tokenize(String q) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < q.length()) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                StringBuilder sb = new StringBuilder("'");
                i++;
                boolean closed = false;
                while (i < q.length()) {
                    char d = q.charAt(i);
                    if (d == '\\' && i + 1 < q.length()) {
                        sb.append(d).append(q.charAt(i + 1));
                        i += 2;
                    } else if (d == '\'') {
                        sb.append('\'');
                        i++;
                        closed = true;
                        break;
                    } else {
                        sb.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new InvalidQueryException("unterminated string in query");
                }
                out.add(sb.toString());
            } else if (c == '(' || c == ')' || c == '{' || c == '}') {
                out.add(String.valueOf(c));
                i++;
            } else if (c == '!' && i + 1 < q.length() && q.charAt(i + 1) == '=') {
                out.add("!=");
                i += 2;
            } else if (c == '<' || c == '>') {
                boolean eq = i + 1 < q.length() && q.charAt(i + 1) == '=';
                out.add(eq ? c + "=" : String.valueOf(c));
                i += eq ? 2 : 1;
            } else if (c == '=') {
                out.add("=");
                i++;
            } else {
                int start = i;
                while (i < q.length() && !Character.isWhitespace(q.charAt(i)) && "(){}'=!<>".indexOf(q.charAt(i)) < 0) {
                    i++;
                }
                out.add(q.substring(start, i));
            }
        }
        return out;
    }

    private static boolean isString(String token) {
        return token.length() >= 2 && token.startsWith("'") && token.endsWith("'");
    }

    private static String requireString(String token) {
        if (!isString(token)) {
            throw new InvalidQueryException("expected a quoted string, was " + token);
        }
        return token;
    }

    private static String unquote(String token) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < token.length() - 1; i++) {
            char c = token.charAt(i);
            if (c == '\\' && i + 1 < token.length() - 1) {
                sb.append(token.charAt(++i));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private String peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private boolean peekKeyword(String keyword) {
        String t = peek();
        return t != null && t.equalsIgnoreCase(keyword);
    }

    private String next() {
        if (pos >= tokens.size()) {
            throw new InvalidQueryException("query ends too early");
        }
        return tokens.get(pos++);
    }

    private void expect(String token) {
        String t = next();
        if (!Objects.equals(t, token)) {
            throw new InvalidQueryException("expected " + token + " but found " + t);
        }
    }

    private void expectKeyword(String keyword) {
        String t = next();
        if (!t.equalsIgnoreCase(keyword)) {
            throw new InvalidQueryException("expected " + keyword + " but found " + t);
        }
    }
}
