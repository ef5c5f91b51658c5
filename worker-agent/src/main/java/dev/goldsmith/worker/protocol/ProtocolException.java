package dev.goldsmith.worker.protocol;

import java.io.IOException;

/** The control plane refused a call; {@code status} 409 on a lease call means the lease is gone. */
public class ProtocolException extends IOException {

    private final int status;

    public ProtocolException(int status, String problem) {
        super("control plane answered " + status + ": " + abbreviate(problem));
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean leaseLost() {
        return status == 409 || status == 403;
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }
}
