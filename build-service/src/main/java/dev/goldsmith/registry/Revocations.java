package dev.goldsmith.registry;

import dev.goldsmith.api.ImageView;
import dev.goldsmith.api.RevokeRequest;
import dev.goldsmith.audit.AuditTrail;
import dev.goldsmith.builds.TextRules;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.registry.persistence.ImageRecords;
import dev.goldsmith.security.Caller;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Revokes image versions: a revoked version stays readable (its files and provenance are evidence) but no channel
 * points at it any more and no promotion or cache hit returns it.
 */
@Service
public class Revocations {

    private static final int MAX_REASON = 500;

    private final ImageCatalog catalog;
    private final ImageRecords images;
    private final Channels channels;
    private final AuditTrail audit;

    Revocations(ImageCatalog catalog, ImageRecords images, Channels channels, AuditTrail audit) {
        this.catalog = catalog;
        this.images = images;
        this.channels = channels;
        this.audit = audit;
    }

    /** Revoking a revoked version changes nothing (the first reason stays) and answers it as it is. */
    @Transactional
    public ImageView revoke(Caller caller, String name, RevokeRequest request, ImageUrls urls) {
        // Who may act comes first: another team must not learn from a validation error that the version exists.
        Image image = catalog.visible(caller, name);
        requireOwner(caller, image, "revoke");
        String reason = request.reason();
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON || !TextRules.isSafe(reason)) {
            throw ApiException.invalid("reason", "is required: 1 to " + MAX_REASON
                    + " characters without control characters");
        }
        if (images.revoke(image.name(), caller.actor(), reason)) {
            audit.record(caller.actor(), caller.team(), "image.revoke", "image:" + image.name(), reason);
            channels.moveOff(image.name(), caller);
        }
        return catalog.view(caller, image.name(), urls);
    }

    /** Only the version's own team (or admin) may change it; other teams see shared versions read-only. */
    static void requireOwner(Caller caller, Image image, String what) {
        if (!caller.isAdmin() && !caller.team().equals(image.team())) {
            throw ApiException.forbidden("Image version " + image.name() + " belongs to team " + image.team()
                    + "; only that team or admin may " + what + " it.");
        }
    }
}
