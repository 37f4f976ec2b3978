package dev.mags.dist;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The module and package rules of docs/ARCHITECTURE.md, checked on the compiled classes. */
@AnalyzeClasses(packages = "dev.mags", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule controlPlaneSeesOnlyTheAgentContract = noClasses()
            .that().resideInAPackage("dev.mags.controlplane..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.mags.agent..", "dev.mags.dist..",
                    "dev.mags.sdk..", "dev.mags.cli..", "dev.mags.storage..");

    @ArchTest
    static final ArchRule agentKnowsNothingOfTheControlPlane = noClasses()
            .that().resideInAPackage("dev.mags.agent..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.mags.controlplane..", "dev.mags.api..",
                    "dev.mags.dist..", "dev.mags.sdk..", "dev.mags.cli..");

    @ArchTest
    static final ArchRule clientsNeverDependOnServerModules = noClasses()
            .that().resideInAnyPackage("dev.mags.sdk..", "dev.mags.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.mags.controlplane..", "dev.mags.agent..",
                    "dev.mags.protocol..", "dev.mags.storage..", "dev.mags.dist..");

    @ArchTest
    static final ArchRule contractsDependOnNoImplementation = noClasses()
            .that().resideInAnyPackage("dev.mags.api..", "dev.mags.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.mags.controlplane..", "dev.mags.agent..",
                    "dev.mags.sdk..", "dev.mags.cli..", "dev.mags.dist..", "dev.mags.storage..");

    @ArchTest
    static final ArchRule onlyTheCompositionRootWiresModules = noClasses()
            .that().resideOutsideOfPackage("dev.mags.dist..")
            .should().dependOnClassesThat().resideInAPackage("dev.mags.dist..");

    @ArchTest
    static final ArchRule noCyclesBetweenControlPlanePackages = slices()
            .matching("dev.mags.controlplane.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule noCyclesBetweenAgentPackages = slices()
            .matching("dev.mags.agent.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule noCyclesBetweenModules = slices()
            .matching("dev.mags.(*)..").should().beFreeOfCycles();
}
