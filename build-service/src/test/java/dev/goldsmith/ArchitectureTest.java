package dev.goldsmith;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the house standing: features own their persistence, web never reaches into it, no feature cycles. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // The openapi module's test jar (what both sides' tests share) is on the test class path.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.goldsmith");

    @Test
    void webLayersNeverTouchPersistence() {
        noClasses().that().resideInAPackage("..web..")
                .should().dependOnClassesThat().resideInAPackage("..persistence..")
                .check(CLASSES);
    }

    @Test
    void entitiesNeverLeaveTheirFeature() {
        for (String feature : new String[] {"builds", "workers", "security", "artifacts", "provenance", "registry",
                "installers"}) {
            noClasses().that().resideOutsideOfPackage("dev.goldsmith." + feature + "..")
                    .should().dependOnClassesThat().resideInAPackage("dev.goldsmith." + feature + ".persistence..")
                    .check(CLASSES);
        }
    }

    @Test
    void featuresHaveNoCycles() {
        slices().matching("dev.goldsmith.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void wireContractDependsOnNothingOfTheService() {
        classes().that().resideInAPackage("dev.goldsmith.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.goldsmith.api..", "java..")
                .check(CLASSES);
    }
}
