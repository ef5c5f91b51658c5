package dev.goldsmith.worker.stages;

import java.util.function.Predicate;

/**
 * One smoke-test check: a command run in the guest as the build user, and what its output must show (beyond
 * exit status 0). A check with a {@code null} command is run by the farm itself (e.g. "root login refused").
 */
public record Check(String name, String command, Predicate<String> expectation, String expectationText) {

    public static Check exitsZero(String name, String command) {
        return new Check(name, command, output -> true, "exit status 0");
    }

    public static Check outputMatches(String name, String command, Predicate<String> expectation, String text) {
        return new Check(name, command, expectation, text);
    }
}
