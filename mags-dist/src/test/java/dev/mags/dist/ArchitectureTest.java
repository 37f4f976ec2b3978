package dev.mags.dist;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noConstructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.conditions.ArchConditions;
import dev.mags.protocol.v2.Agent;

/** The module and package rules of docs/ARCHITECTURE.md, checked on the compiled classes. */
@AnalyzeClasses(packages = "dev.mags", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule controlPlaneSeesOnlyTheAgentContract = noClasses()
            .that().resideInAPackage("dev.mags.controlplane..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.mags.agent..", "dev.mags.dist..",
                    "dev.mags.sdk..", "dev.mags.cli..", "dev.mags.storage..");

    @ArchTest
    static final ArchRule oneAgentContract = noClasses()
            .should().resideInAPackage("dev.mags.protocol.v1..")
            .because("the agent contract is v2 (dev.mags.protocol.v2); v1 is gone, not kept beside it");

    /** Services reach agents through the directory, so that none is built around one agent. */
    @ArchTest
    static final ArchRule noControlPlaneServiceHoldsAnAgent = noFields()
            .that().areDeclaredInClassesThat().resideInAPackage("dev.mags.controlplane..")
            .and().areDeclaredInClassesThat().resideOutsideOfPackage("dev.mags.controlplane.placement..")
            .should().haveRawType(Agent.class)
            .because("control-plane services find agents through placement.AgentDirectory");

    @ArchTest
    static final ArchRule noControlPlaneServiceIsBuiltOnAnAgent = noConstructors()
            .that().areDeclaredInClassesThat().resideInAPackage("dev.mags.controlplane..")
            .and().areDeclaredInClassesThat().resideOutsideOfPackage("dev.mags.controlplane.placement..")
            .should(takeAnAgent())
            .because("control-plane services find agents through placement.AgentDirectory");

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

    /** The benchmark's use of the agent (its disk format, for restores as magsd does them) is checked in mags-bench. */
    @ArchTest
    static final ArchRule onlyTheCompositionRootAndTheBenchmarkUseTheAgent = noClasses()
            .that().resideOutsideOfPackages("dev.mags.agent..", "dev.mags.dist..", "dev.mags.bench..")
            .should().dependOnClassesThat().resideInAPackage("dev.mags.agent..");

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

    private static ArchCondition<JavaConstructor> takeAnAgent() {
        return ArchConditions.have(DescribedPredicate.describe("an Agent parameter",
                c -> c.getRawParameterTypes().stream().anyMatch(t -> t.isEquivalentTo(Agent.class))));
    }
}
