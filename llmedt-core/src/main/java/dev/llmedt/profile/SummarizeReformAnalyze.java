package dev.llmedt.profile;

import dev.llmedt.progress.ProgressListener;
import dev.llmedt.concurrent.Concurrently;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.text.LanguageModelException;
import dev.llmedt.prompt.PromptText;
import dev.llmedt.text.TextGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generated profile (METHOD.md section 4): Summarize one prompt per cluster, Reform one prompt
 * per domain with the user's domain ratio written out, Analyze one prompt per user.
 *
 * <p>Runs in three stages over all users: every Summarize call, then every Reform call, then every
 * Analyze call, each stage on at most {@code concurrency} threads. So for one user the order is
 * always Summarize, Reform, Analyze; calls of different users interleave. A user whose call fails
 * or whose answer is unusable makes no further calls and keeps the extractive profile. Answers are
 * text, never instructions: each is flattened to one line, cut, and only ever placed in a later
 * prompt of the same user.
 */
final class SummarizeReformAnalyze {

    private static final Logger LOG = LoggerFactory.getLogger(SummarizeReformAnalyze.class);
    /** Failing users logged one line each; later ones are only counted (a down server would flood the log). */
    private static final int LOGGED_USERS = 20;
    private static final String NO_TITLES = "no titles of these items are known";

    /**
     * What the stages did.
     *
     * @param calls prompts sent
     * @param failures calls that threw
     * @param garbage unusable answers
     * @param fallbacks users that kept the extractive profile because of a failure or an unusable answer
     */
    record Outcome(long calls, long failures, long garbage, long fallbacks) {
    }

    /** One user's way through the stages. */
    private static final class UserWork {
        final int user;
        final UserClusters clusters;
        final String[] summaries;
        final String[] reformed;
        final AtomicBoolean logged = new AtomicBoolean();
        volatile boolean failed;

        UserWork(int user, UserClusters clusters, int domains) {
            this.user = user;
            this.clusters = clusters;
            this.summaries = new String[clusters.clusters().size()];
            this.reformed = new String[domains];
        }
    }

    /** One prompt: its user, the cluster or domain it is about, and its text. */
    private record Call(UserWork work, int index, String prompt) {
    }

    private final TextGenerator generator;
    private final ProfilePrompts prompts;
    private final ItemCatalog catalog;
    private final int concurrency;
    private final int maxChars;
    private final ProgressListener progress;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong garbage = new AtomicLong();
    private final AtomicLong failingUsers = new AtomicLong();

    SummarizeReformAnalyze(TextGenerator generator, ProfilePrompts prompts, ItemCatalog catalog, int concurrency, int maxChars,
            ProgressListener progress) {
        this.generator = generator;
        this.prompts = prompts;
        this.catalog = catalog;
        this.concurrency = concurrency;
        this.maxChars = maxChars;
        this.progress = progress;
    }

    /**
     * Generates the profiles of the users whose clusters hold any titled item and writes each
     * successful one into {@code texts} (which holds the extractive profiles on entry).
     */
    Outcome run(UserClusters[] users, String[] texts) {
        List<UserWork> work = new ArrayList<>();
        List<Call> summarize = new ArrayList<>();
        for (int u = 0; u < users.length; u++) {
            UserWork w = null;
            List<UserClusters.Cluster> clusters = users[u].clusters();
            for (int c = 0; c < clusters.size(); c++) {
                List<String> titles = new ArrayList<>();
                for (int item : clusters.get(c).items()) {
                    String title = catalog.item(item).title();
                    if (!title.isEmpty()) {
                        titles.add(title);
                    }
                }
                if (titles.isEmpty()) {
                    continue;
                }
                if (w == null) {
                    w = new UserWork(u, users[u], catalog.domains().size());
                    work.add(w);
                }
                summarize.add(new Call(w, c, prompts.summarize(catalog.domains().get(clusters.get(c).domain()).name(), titles)));
            }
        }
        stage("summarize clusters", summarize, (call, answer) -> call.work().summaries[call.index()] = answer);

        List<Call> reform = new ArrayList<>();
        for (UserWork w : work) {
            if (w.failed) {
                continue;
            }
            for (int d : w.clusters.domainsByShare()) {
                List<String> summaries = new ArrayList<>();
                List<Integer> sizes = new ArrayList<>();
                for (int c = 0; c < w.summaries.length; c++) {
                    if (w.summaries[c] != null && w.clusters.clusters().get(c).domain() == d) {
                        summaries.add(w.summaries[c]);
                        sizes.add(w.clusters.clusters().get(c).items().length);
                    }
                }
                if (!summaries.isEmpty()) {
                    reform.add(new Call(w, d, prompts.reform(catalog.domains().get(d).name(), w.clusters.percent(d), ratios(w.clusters),
                            summaries, sizes)));
                }
            }
        }
        stage("reform domains", reform, (call, answer) -> call.work().reformed[call.index()] = answer);

        List<Call> analyze = new ArrayList<>();
        for (UserWork w : work) {
            if (w.failed) {
                continue;
            }
            List<String> lines = new ArrayList<>();
            for (int d : w.clusters.domainsByShare()) {
                lines.add(ProfilePrompts.domainName(catalog.domains().get(d).name()) + " (" + w.clusters.percent(d) + " of items): "
                        + (w.reformed[d] == null ? NO_TITLES : w.reformed[d]));
            }
            analyze.add(new Call(w, -1, prompts.analyze(lines, ratios(w.clusters))));
        }
        stage("analyze users", analyze, (call, answer) -> texts[call.work().user] = answer);

        long fallbacks = 0;
        for (UserWork w : work) {
            if (w.failed) {
                fallbacks++;
            }
        }
        if (failingUsers.get() > LOGGED_USERS) {
            LOG.warn("generator {} failed for {} users in all; they received the extractive profile", generator.modelId(),
                    failingUsers.get());
        }
        return new Outcome(calls.get(), failures.get(), garbage.get(), fallbacks);
    }

    /** Every domain of the user with its share, largest first: {@code Food 72%, Kitchen 28%}. */
    private String ratios(UserClusters user) {
        StringBuilder sb = new StringBuilder();
        for (int d : user.domainsByShare()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(ProfilePrompts.domainName(catalog.domains().get(d).name())).append(' ')
                    .append(user.percent(d));
        }
        return sb.toString();
    }

    private void stage(String task, List<Call> stageCalls, BiConsumer<Call, String> onAnswer) {
        AtomicLong done = new AtomicLong();
        progress.progress(task, 0, stageCalls.size());
        Concurrently.map(stageCalls, concurrency, "llmedt-profile-generate", call -> {
            String answer = ask(call, task);
            if (answer != null) {
                onAnswer.accept(call, answer);
            }
            progress.progress(task, done.incrementAndGet(), stageCalls.size());
            return null;
        }, cause -> cause instanceof InterruptedException
                ? new LanguageModelException("interrupted while waiting for generator " + generator.modelId(), cause)
                : new LanguageModelException("generator " + generator.modelId() + " failed: " + cause, cause));
    }

    /** Sends one prompt; returns the cleaned answer, or null (counted, the user marked failed). */
    private String ask(Call call, String task) {
        calls.incrementAndGet();
        String raw;
        try {
            raw = generator.generate(call.prompt());
        } catch (RuntimeException e) {
            // Any failure of the extension point costs this user's generated profile, not the run.
            failures.incrementAndGet();
            call.work().failed = true;
            if (call.work().logged.compareAndSet(false, true)) {
                long failing = failingUsers.incrementAndGet();
                if (failing <= LOGGED_USERS) {
                    LOG.warn("generator {} failed for user {} ({}): {}; the user receives the extractive profile{}", generator.modelId(),
                            call.work().user, task, e.getMessage(), failing == LOGGED_USERS
                                    ? " (further failing users are counted, not logged)" : "");
                }
            }
            return null;
        }
        String answer = raw == null ? "" : PromptText.fit(raw, maxChars);
        if (answer.codePoints().noneMatch(Character::isLetterOrDigit)) {
            garbage.incrementAndGet();
            call.work().failed = true;
            LOG.debug("unusable answer of generator {} for user {} ({}): '{}'", generator.modelId(), call.work().user, task, answer);
            return null;
        }
        return answer;
    }
}
