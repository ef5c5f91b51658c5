package dev.goldsmith.worker.vm;

/** The accelerator a worker runs its VMs with, and why it chose it. */
public record Accel(String name, String reason) {

    public boolean kvm() {
        return name.equals("kvm");
    }
}
