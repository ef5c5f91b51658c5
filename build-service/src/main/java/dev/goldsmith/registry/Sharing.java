package dev.goldsmith.registry;

import dev.goldsmith.api.ImageView;
import dev.goldsmith.api.ShareRequest;
import dev.goldsmith.audit.AuditTrail;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.registry.persistence.ImageRecords;
import dev.goldsmith.security.Caller;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Shares a team's image version with every team (they may see, download and promote it), or stops sharing. */
@Service
public class Sharing {

    private final ImageCatalog catalog;
    private final ImageRecords images;
    private final AuditTrail audit;

    Sharing(ImageCatalog catalog, ImageRecords images, AuditTrail audit) {
        this.catalog = catalog;
        this.images = images;
        this.audit = audit;
    }

    @Transactional
    public ImageView share(Caller caller, String name, ShareRequest request, ImageUrls urls) {
        Image image = catalog.visible(caller, name);
        Revocations.requireOwner(caller, image, "share");
        if (request.shared() == null) {
            throw ApiException.invalid("shared", "is required: true or false");
        }
        if (image.shared() != request.shared()) {
            images.share(image.name(), request.shared());
            audit.record(caller.actor(), caller.team(), request.shared() ? "image.share" : "image.unshare",
                    "image:" + image.name(), null);
        }
        return catalog.view(caller, image.name(), urls);
    }
}
