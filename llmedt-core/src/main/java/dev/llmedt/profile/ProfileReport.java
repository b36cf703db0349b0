package dev.llmedt.profile;

import dev.llmedt.check.Require;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a profiling run did: how many users got a profile, how many clusters it made, and, with a
 * generator, how many calls it made, how many failed or gave unusable answers, and how many users
 * fell back to the extractive profile.
 *
 * @param users histories profiled
 * @param usersProfiled users with a non-empty profile
 * @param usersWithoutProfile users with an empty profile (an empty history)
 * @param clusters clusters of items made, summed over users
 * @param generatorCalls prompts sent to the generator (0 offline)
 * @param generatorFailures calls that threw (HTTP errors, time-outs, any runtime exception)
 * @param garbageAnswers answers that were unusable after cleaning (blank, or without any letter or digit)
 * @param usersFallenBack users whose generated profile failed (a failed call or an unusable answer)
 *     and who received the extractive profile instead
 * @param seconds wall-clock time of the run
 */
public record ProfileReport(long users, long usersProfiled, long usersWithoutProfile, long clusters, long generatorCalls,
        long generatorFailures, long garbageAnswers, long usersFallenBack, double seconds) {

    /** Validates the counts. */
    public ProfileReport {
        Require.atLeast("users", users, 0);
        Require.atLeast("usersProfiled", usersProfiled, 0);
        Require.atLeast("usersWithoutProfile", usersWithoutProfile, 0);
        Require.atLeast("clusters", clusters, 0);
        Require.atLeast("generatorCalls", generatorCalls, 0);
        Require.atLeast("generatorFailures", generatorFailures, 0);
        Require.atLeast("garbageAnswers", garbageAnswers, 0);
        Require.atLeast("usersFallenBack", usersFallenBack, 0);
        if (usersProfiled + usersWithoutProfile != users) {
            throw new IllegalArgumentException("users profiled (" + usersProfiled + ") and without profile (" + usersWithoutProfile
                    + ") must add up to users (" + users + ")");
        }
        if (generatorFailures + garbageAnswers > generatorCalls) {
            throw new IllegalArgumentException("failures (" + generatorFailures + ") and garbage answers (" + garbageAnswers
                    + ") cannot exceed calls (" + generatorCalls + ")");
        }
    }

    /** Returns the report as nested maps with snake_case keys, for JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("users", users);
        m.put("users_profiled", usersProfiled);
        m.put("users_without_profile", usersWithoutProfile);
        m.put("clusters", clusters);
        Map<String, Object> generator = new LinkedHashMap<>();
        generator.put("calls", generatorCalls);
        generator.put("failures", generatorFailures);
        generator.put("garbage_answers", garbageAnswers);
        generator.put("users_fallen_back", usersFallenBack);
        m.put("generator", generator);
        m.put("seconds", seconds);
        return m;
    }
}
