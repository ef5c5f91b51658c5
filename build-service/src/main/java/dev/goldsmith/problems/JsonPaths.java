package dev.goldsmith.problems;

import java.util.List;
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

    static String reason(DatabindException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        return "has the wrong type or shape";
    }
}
