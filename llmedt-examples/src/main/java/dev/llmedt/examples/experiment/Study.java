package dev.llmedt.examples.experiment;

import java.util.List;

/** One study of the {@code experiment} command: named runs, then a table. */
interface Study {

    /** The studies, by their {@code --study} names. */
    List<Study> ALL = List.of(new HeadlineStudy(), new InsertionStudy(), new ColdStartStudy(), new SensitivityStudy(), new DissimilarDomainsStudy(),
            new LlmCostStudy());

    /** The {@code --study} name. */
    String name();

    /** Runs (or reads back) the study's runs and fills its table ({@link StudyContext#open}) row by row. */
    StudyOutput run(StudyContext context) throws Exception;

    /** Returns the study of that name. */
    static Study named(String name) {
        for (Study s : ALL) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--study must be one of " + ALL.stream().map(Study::name).toList() + ", got '" + name + "'");
    }
}
