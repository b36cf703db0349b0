/**
 * The domain-aware profiler of LLM-EDT (METHOD.md section 4): a text profile of each user built
 * from the sub-interests (k-means clusters) of their visible history, weighted by the share of
 * their items in each domain, either extractive (offline, the default: salient title terms) or
 * generated (Summarize-Reform-Analyze with any {@link dev.llmedt.text.TextGenerator}).
 *
 * <p>Entry points: {@link dev.llmedt.profile.Profiler} and its implementation
 * {@link dev.llmedt.profile.DomainAwareProfiler}; the result is
 * {@link dev.llmedt.profile.UserProfiles} (texts, {@link dev.llmedt.profile.ProfileReport},
 * provenance, and {@link dev.llmedt.profile.UserProfiles#embed} to turn them into vectors).
 *
 * <p>Profiles must be built only from what the model may see: a training user's training items,
 * an evaluated user's input prefix, never a target.
 */
package dev.llmedt.profile;
