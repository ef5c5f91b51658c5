package dev.goldsmith.installers;

import dev.goldsmith.digests.Sha256;
import dev.goldsmith.api.DarksitePackage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A darksite's tar checked against its lock in one pass: every {@code pool/<name>_<version>_<arch>.deb} the lock
 * pins is there with its size and SHA-256, there is no other .deb, and the tar's own {@code darksite.lock} is the
 * lock. Also gives the tar's SHA-256, so the control plane stores only a package set it has read in full.
 */
final class DarksiteArchive {

    /** The tar as read: its SHA-256 and size. */
    record Checked(String sha256, long size) {
    }

    private static final int MAX_PROBLEMS_SHOWN = 5;

    private DarksiteArchive() {
    }

    /** The pool file name darksite.sh gives a package: apt's, with an epoch's colon written {@code %3a}. */
    static String poolName(DarksitePackage p) {
        return "pool/" + p.name() + "_" + p.version().replace(":", "%3a") + "_" + p.architecture() + ".deb";
    }

    static Checked check(Path tar, DarksiteLock lock, byte[] lockBytes) throws IOException {
        Map<String, DarksitePackage> expected = new HashMap<>();
        lock.packages().forEach(p -> expected.put(poolName(p), p));
        List<String> problems = new ArrayList<>();
        boolean lockInside = false;
        MessageDigest whole = Sha256.newDigest();
        try (InputStream file = new DigestInputStream(new BufferedInputStream(Files.newInputStream(tar), 1 << 20),
                whole); TarArchiveInputStream entries = new TarArchiveInputStream(file)) {
            for (TarArchiveEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                if (name.equals("darksite.lock")) {
                    lockInside = true;
                    if (!Sha256.of(entries.readAllBytes()).equals(Sha256.of(lockBytes))) {
                        problems.add("its darksite.lock is not the lock beside it");
                    }
                } else if (entry.isFile() && name.endsWith(".deb")) {
                    DarksitePackage pinned = expected.remove(name);
                    if (pinned == null) {
                        problems.add(name + " is not in the lock");
                        continue;
                    }
                    MessageDigest deb = Sha256.newDigest();
                    long size = entries.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), deb));
                    String sha = Sha256.hex(deb);
                    if (size != pinned.size() || !sha.equals(pinned.sha256())) {
                        problems.add(name + " has " + size + " bytes, sha256 " + sha + "; the lock pins "
                                + pinned.size() + " bytes, sha256 " + pinned.sha256());
                    }
                }
            }
            file.transferTo(OutputStream.nullOutputStream());
        }
        if (!lockInside) {
            problems.add("it holds no darksite.lock");
        }
        expected.keySet().stream().sorted().forEach(missing -> problems.add(missing + " is missing"));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the darksite's tar does not match its lock: "
                    + String.join("; ", problems.subList(0, Math.min(MAX_PROBLEMS_SHOWN, problems.size())))
                    + (problems.size() > MAX_PROBLEMS_SHOWN ? " (and " + (problems.size() - MAX_PROBLEMS_SHOWN)
                            + " more)" : ""));
        }
        return new Checked(Sha256.hex(whole), Files.size(tar));
    }
}
