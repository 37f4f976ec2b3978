package dev.mags.storage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** One package per mechanism, wired only at the top; the S3 implementation stays behind the object seam. */
class StorageArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.mags.storage");

    @Test
    void mechanismPackagesAreFreeOfCycles() {
        slices().matching("dev.mags.storage.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void mechanismsDoNotReachBackIntoTheCompositionRoot() {
        noClasses().that().resideInAPackage("dev.mags.storage.*..")
                .should().dependOnClassesThat().resideInAPackage("dev.mags.storage").check(CLASSES);
    }

    @Test
    void onlyTheS3PackageKnowsTheAwsSdkAndS3Proxy() {
        noClasses().that().resideOutsideOfPackage("dev.mags.storage.s3..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "org.gaul..").check(CLASSES);
    }

    @Test
    void syncAndRestoreWorkThroughTheObjectSeamNotS3() {
        noClasses().that().resideInAnyPackage("dev.mags.storage.sync..", "dev.mags.storage.restore..",
                        "dev.mags.storage.gc..", "dev.mags.storage.history..", "dev.mags.storage.lock..")
                .should().dependOnClassesThat().resideInAPackage("dev.mags.storage.s3..").check(CLASSES);
    }
}
