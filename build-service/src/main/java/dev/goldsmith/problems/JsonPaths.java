package dev.goldsmith.problems;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.core.JacksonException.Reference;

/** Turns Jackson's location of a bad value into the field name a client sees ({@code labels.env}, {@code formats[1]}). */
final class JsonPaths {

    private JsonPaths() {
    }

    static String of(List<Reference> path) {
        StringBuilder field = new StringBuilder();
        for (Reference ref : path) {
            if (ref.getPropertyName() != null) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate Object property \"([^\"]{0,128})\"");

    /**
     * The field a body gave twice ({@code answers.KLDLOAD_HOSTNAME}), when that is why it could not be read: the
     * parser stands in the object that holds the key twice.
     */
    static Optional<String> duplicate(StreamReadException e) {
        Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        if (!duplicate.find()) {
            return Optional.empty();
        }
        String parent = "";
        if (e.processor() instanceof JsonParser parser) {
            StringBuilder path = new StringBuilder();
            for (TokenStreamContext c = parser.streamReadContext().getParent(); c != null && !c.inRoot();
                    c = c.getParent()) {
                String segment = c.inArray() ? "[" + Math.max(0, c.getCurrentIndex()) + "]"
                        : c.currentName() == null ? "" : "." + c.currentName();
                path.insert(0, segment);
            }
            parent = path.toString();
        }
        String field = (parent.startsWith(".") ? parent.substring(1) : parent) + (parent.isEmpty() ? "" : ".")
                + duplicate.group(1);
        return Optional.of(field);
    }

    static String reason(DatabindException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        return "has the wrong type or shape";
    }
}
