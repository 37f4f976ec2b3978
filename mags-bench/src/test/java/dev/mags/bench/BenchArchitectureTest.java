package dev.mags.bench;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The benchmark measures mags from outside, through the SDK and processes, except for workspace restores, which
 * run in process onto a disk formatted and loop-mounted as the agent does it, and the straight way to a sandbox's
 * port that the proxy's figures are compared with, dialled as the agent dials it ({@code NetnsDialer}). Those are
 * its edges into the agent (the disk, the host access that makes one, the dialer); it never reaches the control
 * plane, the contract or the composition root.
 */
class BenchArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.mags.bench");

    @Test
    void usesOfTheAgentOnlyItsDiskAndItsDialer() {
        noClasses().that().resideInAPackage("dev.mags.bench..")
                .should().dependOnClassesThat(resideInAPackage("dev.mags.agent..")
                        .and(not(resideInAPackage("dev.mags.agent.disk..")))
                        .and(not(resideInAPackage("dev.mags.agent.network..").and(simpleName("NetnsDialer"))))
                        .and(not(resideInAPackage("dev.mags.agent").and(simpleName("HostAccess")))))
                .check(CLASSES);
    }

    @Test
    void neverReachesTheServerSideBeyondThat() {
        noClasses().that().resideInAPackage("dev.mags.bench..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.mags.controlplane..", "dev.mags.protocol..",
                        "dev.mags.dist..")
                .check(CLASSES);
    }
}
