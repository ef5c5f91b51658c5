package dev.goldsmith.support;

import dev.goldsmith.api.InstallerRegistration;
import java.util.List;
import java.util.UUID;

/**
 * Test data builder: {@code anInstaller().named("kldload-free-1.4.0").withContent(bytes).build()}. By default a
 * UEFI ISO of fresh random bytes that installs debian core and server.
 */
public final class InstallerRegistrations {

    private String name = "medium-" + UUID.randomUUID().toString().substring(0, 8);
    private byte[] content = ImageFiles.anImageOfSize(6 * 1024 * 1024 + 17 + (int) (Math.random() * 1000));
    private String sha256;
    private String format = "iso";
    private String bootMode = "UEFI";
    private String successLine = "Install completed successfully";
    private List<String> failureLines = List.of("Install failed:");
    private String installDeadline = "PT20M";
    private List<String> distros = List.of("debian");
    private List<String> profiles = List.of("core", "server");
    private String defaultSuite = "golden";
    private String diskSize;

    private InstallerRegistrations() {
    }

    public static InstallerRegistrations anInstaller() {
        return new InstallerRegistrations();
    }

    public InstallerRegistrations named(String value) { this.name = value; return this; }
    public InstallerRegistrations withContent(byte[] value) { this.content = value; return this; }
    /** Declares a digest other than the content's. */
    public InstallerRegistrations claimingSha256(String value) { this.sha256 = value; return this; }
    public InstallerRegistrations withFormat(String value) { this.format = value; return this; }
    public InstallerRegistrations withBootMode(String value) { this.bootMode = value; return this; }
    public InstallerRegistrations withSuccessLine(String value) { this.successLine = value; return this; }
    public InstallerRegistrations withFailureLines(String... values) { this.failureLines = List.of(values); return this; }
    public InstallerRegistrations withInstallDeadline(String value) { this.installDeadline = value; return this; }
    public InstallerRegistrations installing(List<String> distroList, List<String> profileList) {
        this.distros = distroList;
        this.profiles = profileList;
        return this;
    }
    public InstallerRegistrations withDefaultSuite(String value) { this.defaultSuite = value; return this; }
    public InstallerRegistrations withDiskSize(String value) { this.diskSize = value; return this; }

    public byte[] content() {
        return content;
    }

    public String sha256() {
        return sha256 != null ? sha256 : ImageFiles.sha256(content);
    }

    public InstallerRegistration build() {
        return new InstallerRegistration(name, sha256(), content.length, format, bootMode, successLine, failureLines,
                installDeadline, distros, profiles, defaultSuite, diskSize);
    }
}
