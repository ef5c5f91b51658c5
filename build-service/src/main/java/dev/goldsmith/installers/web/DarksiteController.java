package dev.goldsmith.installers.web;

import dev.goldsmith.api.DarksiteView;
import dev.goldsmith.installers.Darksites;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Darksites by digest: the packages a medium's lock pins and where the package set is stored. */
@RestController
class DarksiteController {

    private final Darksites darksites;

    DarksiteController(Darksites darksites) {
        this.darksites = darksites;
    }

    @GetMapping("/api/v1/darksites/{digest}")
    DarksiteView get(@PathVariable String digest) {
        return darksites.view(digest);
    }
}
