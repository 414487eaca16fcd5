package io.modelswap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final Map<String, String> ENV = Map.of("KEY", "secret", "HOME", "/home/u", "BAD", "a\nb");

    static LoadResult load(String yaml) {
        return new ConfigLoader(ENV::get).parse("application.yaml", yaml);
    }

    static SwapConfig ok(String yaml) {
        LoadResult result = load(yaml);
        assertTrue(result.ok(), result.errorReport());
        return result.config().orElseThrow();
    }

    static List<String> errors(String yaml) {
        LoadResult result = load(yaml);
        assertFalse(result.ok());
        return result.errors().stream().map(ConfigProblem::toString).toList();
    }

    static void assertError(String yaml, String expected) {
        List<String> errors = errors(yaml);
        assertTrue(errors.contains(expected), () -> "expected " + expected + " in\n" + String.join("\n", errors));
    }

    // ------------------------------------------------------------ defaults and simple rules

    @Test
    void defaults() {
        SwapConfig c = ok("models:\n  a:\n    cmd: server --port ${PORT}\n");
        ModelConfig a = c.models().get("a");
        assertEquals(120, c.healthCheckTimeoutSeconds());
        assertEquals(5800, c.startPort());
        assertEquals("http://localhost:5800", a.proxy());
        assertEquals("server --port 5800", a.cmd());
        assertEquals("/health", a.checkEndpoint());
        assertEquals(10, a.concurrencyLimit());
        assertEquals(10, a.unloadTimeoutSeconds());
        assertEquals(UpstreamTimeouts.DEFAULTS, a.timeouts());
        assertEquals("proxy", c.logToStdout());
        assertEquals(5, c.captureBufferMb());
        assertEquals(List.of(new GroupConfig(GroupConfig.DEFAULT_ID, true, true, false, List.of("a"))),
                c.routing().groups());
        assertEquals(ConfigValidator.DEFAULT_IGNORE_PATHS, c.upstreamIgnorePaths());
    }

    @Test
    void healthCheckTimeoutUnloadTimeoutTtlAndConcurrencyNormalized() {
        SwapConfig c = ok("healthCheckTimeout: 3\nunloadTimeout: 0\nglobalTTL: 60\nmodels:\n"
                + "  a:\n    cmd: x\n    proxy: http://h:1\n    ttl: -1\n    concurrencyLimit: 0\n"
                + "  b:\n    cmd: x\n    proxy: http://h:2\n    ttl: 5\n    unloadTimeout: 3\n");
        assertEquals(15, c.healthCheckTimeoutSeconds());
        assertEquals(10, c.unloadTimeoutSeconds());
        assertEquals(60, c.models().get("a").ttlSeconds());
        assertEquals(5, c.models().get("b").ttlSeconds());
        assertEquals(3, c.models().get("b").unloadTimeoutSeconds());
        assertEquals(10, c.models().get("a").concurrencyLimit());
    }

    @Test
    void negativeTtlIsAnErrorWithLine() {
        assertError("models:\n  llama:\n    cmd: x ${PORT}\n    ttl: -5\n",
                "application.yaml:4: models.llama.ttl: must be -1 (use globalTTL) or >= 0 (got -5)");
    }

    @Test
    void wrongTypeFromSmallRyeIsMappedBackToItsLine() {
        List<String> errors = errors("models:\n  a:\n    cmd: x ${PORT}\n    ttl: soon\n");
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("application.yaml:4: models.a.ttl: invalid value 'soon'")),
                errors.toString());
    }

    @Test
    void severalProblemsAreAllReported() {
        List<String> errors = errors("logToStdout: loud\napiKeys: ['', 'a b']\nmodels:\n"
                + "  a:\n    cmd: x ${PORT}\n    ttl: -2\n    capabilities:\n      in: [smell]\n"
                + "  b:\n    ttl: 1\nupstream:\n  ignorePaths: ['([']\n");
        assertTrue(errors.contains("application.yaml:1: logToStdout: must be one of proxy, upstream, both, none (got 'loud')"), errors.toString());
        assertTrue(errors.contains("application.yaml:2: apiKeys[0]: an API key cannot be empty"), errors.toString());
        assertTrue(errors.contains("application.yaml:2: apiKeys[1]: an API key cannot contain spaces"), errors.toString());
        assertTrue(errors.contains("application.yaml:6: models.a.ttl: must be -1 (use globalTTL) or >= 0 (got -2)"), errors.toString());
        assertTrue(errors.contains("application.yaml:8: models.a.capabilities.in[0]: invalid modality 'smell', must be one of: text, audio, image"), errors.toString());
        assertTrue(errors.contains("application.yaml:9: models.b.cmd: is required"), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("application.yaml:12: upstream.ignorePaths[0]: invalid regular expression")), errors.toString());
    }

    @Test
    void invalidYamlIsReportedWithLine() {
        List<String> errors = errors("models:\n  a:\n    cmd: [x\n");
        assertTrue(errors.get(0).startsWith("application.yaml:3: invalid YAML: the '[' list"), errors.toString());
        assertError("models:\n  a:\n    cmd: x\n  a:\n    cmd: y\n",
                "application.yaml:4: duplicate key 'a' (first at line 2)");
    }

    @Test
    void anUnclosedListIsReportedOnItsOwnLineNotWhereTheParserGaveUp() {
        String yaml = "models:\n  a:\n    cmd: x ${PORT}\n    ttl: [300\n    name: A\n\n  b:\n    cmd: y ${PORT}\n";
        assertEquals(List.of("application.yaml:4: invalid YAML: the '[' list that starts on this line is not closed"
                + " (expected ',' or ']', but got : at line 5)"), errors(yaml));
    }

    @Test
    void anUnclosedQuoteIsReportedOnItsOwnLine() {
        String yaml = "healthCheckTimeout: 60\nmodels:\n  a:\n    cmd: \"x ${PORT}\n    ttl: 5\n";
        List<String> errors = errors(yaml);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("application.yaml:4: invalid YAML: the quoted string that starts on this"
                + " line is not closed"), errors.toString());
    }

    @Test
    void aBadIndentationIsReportedOnTheOffendingLine() {
        List<String> errors = errors("models:\n  a:\n    cmd: x ${PORT}\n   ttl: 5\n");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("application.yaml:4: invalid YAML: expected <block end>"), errors.toString());
        assertTrue(errors.get(0).endsWith("check the indentation of this line"), errors.toString());
    }

    @Test
    void problemsAreListedInLineOrder() {
        // found in the order logToStdout, models, apiKeys (the validator's order), listed by line
        List<String> errors = errors("logToStdout: loud\nmodels:\n  a:\n    cmd: x ${PORT}\n    ttl: -2\n"
                + "apiKeys: ['']\n");
        assertEquals(List.of("application.yaml:1: logToStdout: must be one of proxy, upstream, both, none (got 'loud')",
                "application.yaml:5: models.a.ttl: must be -1 (use globalTTL) or >= 0 (got -2)",
                "application.yaml:6: apiKeys[0]: an API key cannot be empty"), errors);
    }

    @Test
    void aMissingFileIsNotFoundWithoutALineNumber() {
        Path missing = dir.resolve("nope.yaml");
        LoadResult result = new ConfigLoader(ENV::get).load(missing, Optional.empty());
        assertEquals(missing + ": not found", result.errors().get(0).toString());
        assertEquals(1, result.errors().size(), result.errorReport());
    }

    @Test
    void aFileWithoutModelsIsAnErrorUnlessItSaysSo() {
        assertEquals(List.of("application.yaml:1: models: is required: this configuration defines no models; write"
                + " 'models: {}' to run without any"), errors(""));
        assertEquals(List.of("application.yaml:1: models: is required: this configuration defines no models; write"
                + " 'models: {}' to run without any"), errors("# every line commented out\n# models:\n"));
        assertEquals(List.of("application.yaml:2: models: lists no model (every entry is removed or commented out);"
                + " write 'models: {}' to run without any"), errors("startPort: 6000\nmodels:\n#  a:\n#    cmd: x\n"));
        assertTrue(ok("models: {}\n").models().isEmpty());
    }

    @Test
    void keysWrittenEmptyOnPurposeAreKnown() {
        assertEquals(java.util.Set.of("models", "apiKeys"), load("apiKeys: []\nmodels: {}\n").emptyOnPurpose());
        assertEquals(java.util.Set.of(), load("apiKeys:\nmodels:\n  a: {cmd: \"x ${PORT}\"}\n").emptyOnPurpose());
    }

    @Test
    void unknownKeysAreWarningsWithLines() {
        LoadResult result = load("models:\n  a:\n    cmd: x ${PORT}\n    ttll: 5\nbogus: 1\n");
        assertTrue(result.ok());
        assertEquals(List.of("application.yaml:4: models.a.ttll: unknown key, ignored",
                "application.yaml:5: bogus: unknown key, ignored"),
                result.warnings().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void keysThatAreParsedButNotActedOnWarnOnceWithTheirLineAndWhatToUseInstead() {
        // logLevel, compat.ignoreWebsockets, peers and every timeouts key are acted on now: only logRequests warns
        LoadResult result = load("logLevel: debug\nlogRequests: true\nmodels:\n  a:\n    cmd: x ${PORT}\n    compat:\n"
                + "      ignoreWebsockets: true\n  b:\n    cmd: y ${PORT}\n    timeouts:\n      keepalive: 5\n"
                + "      tlsHandshake: 5\n      expectContinue: 5\n"
                + "peers:\n  r:\n    proxy: https://h\n    models: [m]\n    timeouts:\n      keepalive: 5\nstore:\n");
        assertTrue(result.ok(), result.errorReport());
        assertEquals(List.of("application.yaml:2: logRequests: parsed but not acted on by modelswap"
                        + " yet; instead: deprecated in llama-swap: every request is logged anyway (the access log)"),
                result.warnings().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void aLegacyListShapedProfileIsAcceptedAsPinsWithAWarningNamingItsLineAndTheNewSyntax() {
        LoadResult result = load("models:\n  a:\n    cmd: x ${PORT}\n  b:\n    cmd: y ${PORT}\nprofiles:\n"
                + "  aider: [a, b]\n");
        assertTrue(result.ok(), result.errorReport());
        assertEquals(Map.of("aider:a", "a", "aider:b", "b"), result.config().get().profiles().get("aider").pins());
        assertEquals(1, result.warnings().size(), result.warnings().toString());
        String warning = result.warnings().get(0).toString();
        assertTrue(warning.startsWith("application.yaml:7: profiles.aider: a list-shaped profile is the legacy"
                + " syntax"), warning);
        assertTrue(warning.contains("profiles.aider: {description: \"...\", pins: {requested-name: model}}"), warning);
    }

    @Test
    void aLegacyProfileNamingAnUnknownModelIsRefused() {
        assertError("models:\n  a:\n    cmd: x ${PORT}\nprofiles:\n  aider: [a, ghost]\n",
                "application.yaml:5: profiles.aider: unknown model 'ghost'");
    }

    @Test
    void theStartupProfileMustExistOrNoneIsActivated() {
        String models = "models:\n  a:\n    cmd: x ${PORT}\nprofiles:\n  p:\n    pins:\n      chat: a\n";
        assertEquals("p", load(models + "hooks:\n  on_startup:\n    profile: p\n").config().get().startupProfile());
        LoadResult unknown = load(models + "hooks:\n  on_startup:\n    profile: q\n");
        assertEquals("", unknown.config().get().startupProfile());
        assertEquals(List.of("application.yaml:10: hooks.on_startup.profile: unknown profile 'q', none is activated"),
                unknown.warnings().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void scopedKeysResolveTheirModelsByIdAliasOrGlobAndTheirProblemsHaveLines() {
        SwapConfig config = ok("apiKeys: [sk-admin]\nsecurity:\n  apiKeys:\n    - key: sk-a\n      models: [l]\n"
                + "    - key: sk-b\n      models: [\"q*\"]\n      management: true\n      priority: 3\n"
                + "models:\n  llama:\n    cmd: x ${PORT}\n    aliases: [l]\n  qwen:\n    cmd: y ${PORT}\n");
        List<AccessKey> keys = config.security().keys();
        assertEquals(List.of("apiKeys[0]", "security.apiKeys[0]", "security.apiKeys[1]"),
                keys.stream().map(AccessKey::name).toList());
        assertTrue(keys.get(0).allows("qwen") && keys.get(0).management());
        assertTrue(keys.get(1).allows("llama") && !keys.get(1).allows("qwen") && !keys.get(1).management());
        assertTrue(keys.get(2).allows("qwen") && keys.get(2).allows("qwen-peer") && !keys.get(2).allows("llama"));
        assertEquals(3, keys.get(2).priority());

        List<String> errors = errors("security:\n  apiKeys:\n    - key: sk-a\n      keyFile: /x\n"
                + "    - keyFile: /nonexistent/modelswap.key\n    - name: no-key\n"
                + "models:\n  a:\n    cmd: x ${PORT}\n");
        assertTrue(errors.contains("application.yaml:3: security.apiKeys[0]: needs exactly one of 'key' and"
                + " 'keyFile'"), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("application.yaml:5: security.apiKeys[1].keyFile:"
                + " cannot read '/nonexistent/modelswap.key'")), errors.toString());
        assertTrue(errors.contains("application.yaml:6: security.apiKeys[2]: needs exactly one of 'key' and"
                + " 'keyFile'"), errors.toString());
    }

    @Test
    void modelLinesAreKept() {
        LoadResult result = load("models:\n  b:\n    cmd: x ${PORT}\n\n  a:\n    cmd: y ${PORT}\n");
        assertEquals(Map.of("b", 2, "a", 5), result.modelLines());
    }

    @Test
    void modelIdsWithDotsAreQuotedInPaths() {
        assertError("models:\n  \"llama3.1:8b\":\n    cmd: x ${PORT}\n    ttl: -3\n",
                "application.yaml:4: models.\"llama3.1:8b\".ttl: must be -1 (use globalTTL) or >= 0 (got -3)");
        assertTrue(ok("models:\n  \"llama3.1:8b\":\n    cmd: x ${PORT}\n").models().containsKey("llama3.1:8b"));
    }

    // ------------------------------------------------------------ env

    @Test
    void envMacrosSubstitutedIgnoredInCommentsAndErrorsWhenUnset() {
        // [${env.KEY}] does not parse before substitution; then, as in llama-swap, comments are not told apart
        assertEquals(List.of("secret"), ok("apiKeys: [${env.KEY}]\nmodels: {}\n").apiKeys());
        SwapConfig c = ok("# uses ${env.UNSET_IN_COMMENT}\napiKeys:\n  - ${env.KEY}\nmodels:\n  a:\n"
                + "    cmd: run ${env.HOME}/m ${PORT} # ${env.ALSO_UNSET}\n");
        assertEquals(List.of("secret"), c.apiKeys());
        assertEquals("run /home/u/m 5800", c.models().get("a").cmd());
        assertError("models:\n  a:\n    cmd: x ${PORT}\n    env: [\"K=${env.NOPE}\"]\n",
                "application.yaml:4: environment variable 'NOPE' is not set");
        assertError("models:\n  a:\n    cmd: x ${PORT} ${env.BAD}\n",
                "application.yaml:3: environment variable 'BAD' contains newlines or NUL bytes, which are not allowed in substitution");
    }

    // ------------------------------------------------------------ macros

    @Test
    void macrosExpandInOrderWithModelOverridesAndModelId() {
        SwapConfig c = ok("macros:\n  base: /models\n  path: \"${base}/x\"\nmodels:\n  m1:\n"
                + "    macros:\n      base: /override\n    cmd: run ${path} --alias ${MODEL_ID} --port ${PORT}\n");
        assertEquals("run /override/x --alias m1 --port 5800", c.models().get("m1").cmd());
    }

    @Test
    void macroMayNotUseALaterMacro() {
        assertError("macros:\n  a: \"${b}\"\n  b: x\nmodels:\n  m:\n    cmd: run ${a} ${PORT}\n",
                "application.yaml:6: models.m.cmd: macro '${b}' is used by a macro defined before it; a macro can only"
                        + " use macros defined above it, so move 'b' up");
    }

    @Test
    void aTypoedMacroNameIsReportedAsNotDefined() {
        assertError("macros:\n  demo-upstream: run\nmodels:\n  m:\n    cmd: ${demo-upstrem} ${PORT}\n",
                "application.yaml:5: models.m.cmd: macro '${demo-upstrem}' is not defined (neither in macros nor in this"
                        + " model's macros)");
        assertError("macros:\n  a: x\nlogLevel: ${b}\nmodels: {}\n",
                "application.yaml:3: logLevel: macro '${b}' is not defined in macros");
    }

    @Test
    void macroNameRules() {
        assertError("macros:\n  PORT: 1\nmodels: {}\n", "application.yaml:2: macros.PORT: macro name 'PORT' is reserved");
        assertError("macros:\n  \"bad name\": 1\n", "application.yaml:2: macros.bad name: macro name must match ^[a-zA-Z0-9_-]+$");
        assertError("macros:\n  " + "x".repeat(64) + ": 1\n",
                "application.yaml:2: macros." + "x".repeat(64) + ": macro name exceeds the maximum length of 63 characters");
        assertError("macros:\n  me: \"a${me}\"\n", "application.yaml:2: macros.me: macro 'me' refers to itself");
        assertError("macros:\n  l: [1]\n", "application.yaml:2: macros.l: a macro value must be a string, number or boolean");
    }

    @Test
    void exactMacroKeepsItsTypeInMetadataAndSetParams() {
        SwapConfig c = ok("macros:\n  temp: 0.7\n  n: 42\n  on: true\n  s: hi\nmodels:\n  m:\n    cmd: x ${PORT}\n"
                + "    metadata:\n      t: ${temp}\n      n: ${n}\n      b: ${on}\n      s: ${s}\n      mixed: \"n=${n}\"\n"
                + "      port: ${PORT}\n    filters:\n      setParams:\n        temperature: ${temp}\n");
        Map<String, Object> meta = c.models().get("m").metadata();
        assertEquals(0.7, meta.get("t"));
        assertEquals(42, meta.get("n"));
        assertEquals(true, meta.get("b"));
        assertEquals("hi", meta.get("s"));
        assertEquals("n=42", meta.get("mixed"));
        assertEquals(5800, meta.get("port"));
        assertEquals(0.7, c.models().get("m").filters().setParams().get("temperature"));
    }

    @Test
    void portsAllocatedInSortedIdOrderOnlyToModelsWhoseCmdUsesPort() {
        SwapConfig c = ok("startPort: 9000\nmodels:\n  zeta:\n    cmd: z ${PORT}\n  fixed:\n    cmd: f --port 8080\n"
                + "    proxy: http://127.0.0.1:8080\n  alpha:\n    cmd: a ${PORT}\n");
        assertEquals("http://localhost:9000", c.models().get("alpha").proxy());
        assertEquals("http://localhost:9001", c.models().get("zeta").proxy());
        assertEquals("http://127.0.0.1:8080", c.models().get("fixed").proxy());
    }

    @Test
    void aReloadKeepsEveryModelsPortAndGivesNewModelsFreeOnes() {
        LoadResult first = load("startPort: 9000\nmodels:\n  m:\n    cmd: m ${PORT}\n  z:\n    cmd: z ${PORT}\n");
        assertEquals(Map.of("m", 9000, "z", 9001), first.ports());
        // "a" sorts first: at startup it would take 9000 and shift m and z; on a reload m and z keep theirs
        LoadResult reload = new ConfigLoader(ENV::get).parse("application.yaml", "startPort: 9000\nmodels:\n"
                + "  a:\n    cmd: a ${PORT}\n  m:\n    cmd: m ${PORT}\n  z:\n    cmd: z ${PORT}\n", first.ports());
        SwapConfig c = reload.config().orElseThrow();
        assertEquals(first.config().orElseThrow().models().get("m"), c.models().get("m"), "m is unchanged");
        assertEquals(first.config().orElseThrow().models().get("z"), c.models().get("z"), "z is unchanged");
        assertEquals("a 9002", c.models().get("a").cmd());
        assertEquals(Map.of("a", 9002, "m", 9000, "z", 9001), reload.ports());
    }

    @Test
    void modelswapBinRunsThisModelswapOrWhatTheEnvironmentSays() {
        SwapConfig c = ok("macros:\n  demo: ${MODELSWAP_BIN} demo-upstream\nmodels:\n"
                + "  a:\n    cmd: ${demo} --port ${PORT}\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertTrue(c.models().get("a").cmd().startsWith(java + " -XX:TieredStopAtLevel=1"), c.models().get("a").cmd());
        assertTrue(c.models().get("a").cmd().endsWith(" io.modelswap.cli.Main demo-upstream --port 5800"),
                c.models().get("a").cmd());
        LoadResult set = new ConfigLoader(Map.of("MODELSWAP_BIN", "/opt/modelswap/bin/modelswap")::get)
                .parse("application.yaml", "models:\n  a:\n    cmd: ${MODELSWAP_BIN} demo-upstream --port ${PORT}\n");
        assertEquals("/opt/modelswap/bin/modelswap demo-upstream --port 5800",
                set.config().orElseThrow().models().get("a").cmd());
        assertError("macros:\n  MODELSWAP_BIN: x\nmodels: {}\n",
                "application.yaml:2: macros.MODELSWAP_BIN: macro name 'MODELSWAP_BIN' is reserved");
    }

    @Test
    void modelswapBinQuotesWhatAShellWouldSplit() {
        assertEquals("/usr/bin/java", ModelswapBin.quote("/usr/bin/java"));
        assertEquals("'/opt/my jdk/bin/java'", ModelswapBin.quote("/opt/my jdk/bin/java"));
        assertEquals("'it'\\''s'", ModelswapBin.quote("it's"));
    }

    @Test
    void proxyUsingPortWithoutCmdPortIsAnError() {
        assertError("models:\n  a:\n    cmd: server --port 8080\n",
                "application.yaml:2: models.a.proxy: uses ${PORT} but cmd does not; ${PORT} is only allocated to a"
                        + " model whose cmd uses it, so set proxy to the model's fixed address");
    }

    @Test
    void pidOnlyInCmdStopAndLeftoversAreErrors() {
        SwapConfig c = ok("models:\n  a:\n    cmd: x ${PORT}\n    cmdStop: kill ${PID}\n");
        assertEquals("kill ${PID}", c.models().get("a").cmdStop());
        assertError("models:\n  a:\n    cmd: x ${PORT} ${PID}\n", "application.yaml:3: models.a.cmd: ${PID} is only available in cmdStop and in sleep.cmdSleep / sleep.cmdWake");
        assertError("logLevel: ${MODEL_ID}\n", "application.yaml:1: logLevel: ${MODEL_ID} is only available inside a model");
        assertError("models:\n  a:\n    cmd: x ${PORT}\n    name: ${nope}\n",
                "application.yaml:4: models.a.name: macro '${nope}' is not defined (neither in macros nor in this model's"
                        + " macros)");
    }

    @Test
    void commentLinesOfCmdAreDroppedBeforeExpansion() {
        SwapConfig c = ok("models:\n  a:\n    cmd: |\n      # ${UNDEFINED}\n      run ${PORT}\n");
        assertEquals("run 5800\n", c.models().get("a").cmd());
    }

    // ------------------------------------------------------------ aliases, filters

    @Test
    void aliasesMustBeUniqueAndNotAnotherModelsId() {
        String base = "models:\n  a:\n    cmd: x ${PORT}\n    aliases: [shared, b]\n  b:\n    cmd: y ${PORT}\n    aliases: [shared]\n";
        List<String> errors = errors(base);
        assertTrue(errors.contains("application.yaml:4: models.a.aliases: alias 'b' is the ID of another model"), errors.toString());
        assertTrue(errors.contains("application.yaml:7: models.b.aliases: alias 'shared' is already used by model a"), errors.toString());
    }

    @Test
    void setParamsByIdKeysBecomeAliasesAndConflictsAreErrors() {
        SwapConfig c = ok("models:\n  m:\n    cmd: x ${PORT}\n    filters:\n      strip_params: \"temperature, model, top_p\"\n"
                + "      setParamsByID:\n        \"${MODEL_ID}:high\":\n          effort: high\n");
        ModelConfig m = c.models().get("m");
        assertEquals(List.of("m:high"), m.aliases());
        assertEquals(List.of("temperature", "top_p"), m.filters().stripParams());
        assertEquals(Map.of("effort", "high"), m.filters().setParamsByID().get("m:high"));
        assertEquals("m", c.resolve("m:high").orElseThrow().id());
        assertError("models:\n  m:\n    cmd: x ${PORT}\n    filters:\n      setParamsByID:\n        other:\n          a: 1\n"
                + "  other:\n    cmd: y ${PORT}\n",
                "application.yaml:6: models.m.filters.setParamsByID.other: setParamsByID key 'other' is the ID of another model");
    }

    // ------------------------------------------------------------ routing

    @Test
    void legacyGroupsAndDefaultGroup() {
        SwapConfig c = ok("models:\n  a: {cmd: \"x ${PORT}\"}\n  b: {cmd: \"x ${PORT}\"}\n  c: {cmd: \"x ${PORT}\"}\n"
                + "groups:\n  g:\n    swap: false\n    members: [b, a]\n");
        assertEquals(List.of(new GroupConfig("g", false, true, false, List.of("b", "a")),
                new GroupConfig(GroupConfig.DEFAULT_ID, true, true, false, List.of("c"))), c.routing().groups());
    }

    @Test
    void defaultGroupOmittedWhenEveryModelIsGrouped() {
        SwapConfig c = ok("models:\n  a: {cmd: \"x ${PORT}\"}\nrouting:\n  router:\n    settings:\n      groups:\n"
                + "        g: {members: [a], persistent: true}\n");
        assertEquals(List.of(new GroupConfig("g", true, true, true, List.of("a"))), c.routing().groups());
    }

    @Test
    void groupMemberRules() {
        List<String> errors = errors("models:\n  a: {cmd: \"x ${PORT}\"}\ngroups:\n  g1:\n    members: [a, a, ghost]\n"
                + "  g2:\n    members: [a]\n");
        assertTrue(errors.contains("application.yaml:5: groups.g1.members[1]: duplicate member 'a'"), errors.toString());
        assertTrue(errors.contains("application.yaml:5: groups.g1.members[2]: unknown model 'ghost'"), errors.toString());
        assertTrue(errors.contains("application.yaml:7: groups.g2.members[0]: model 'a' is already a member of group g1"), errors.toString());
    }

    @Test
    void mixingLegacyWithRoutingRouterIsAnError() {
        List<String> errors = errors("models:\n  a: {cmd: \"x ${PORT}\"}\ngroups:\n  g: {members: [a]}\nrouting:\n"
                + "  router:\n    use: group\n");
        assertTrue(errors.get(0).startsWith("application.yaml:3: groups: the legacy top-level"), errors.toString());
    }

    @Test
    void matrixStructureAndRouterUse() {
        SwapConfig c = ok("models:\n  a: {cmd: \"x ${PORT}\"}\n  b: {cmd: \"x ${PORT}\"}\nrouting:\n  router:\n    use: matrix\n"
                + "    settings:\n      matrix:\n        vars: {A: a, B: b}\n        evict_costs: {A: 3}\n"
                + "        sets:\n          second: \"A & B\"\n          first: A\n");
        assertTrue(c.routing().isMatrix());
        MatrixConfig m = c.routing().matrix().orElseThrow();
        assertEquals(List.of("second", "first"), List.copyOf(m.sets().keySet()));
        assertEquals(Map.of("A", 3), m.evictCosts());
        assertError("models:\n  a: {cmd: \"x ${PORT}\"}\nmatrix:\n  vars: {A: a}\n  sets: {}\n",
                "application.yaml:5: matrix.sets: the matrix must define at least one set");
        assertError("models:\n  a: {cmd: \"x ${PORT}\"}\nrouting:\n  router:\n    use: matrix\n",
                "application.yaml:5: routing.router.use: is 'matrix' but routing.router.settings.matrix is not set");
        assertError("models:\n  a: {cmd: \"x ${PORT}\"}\nrouting:\n  router:\n    use: lottery\n",
                "application.yaml:5: routing.router.use: unknown router 'lottery' (valid: group, matrix)");
    }

    @Test
    void schedulerFifoOnlyAndPrioritiesResolveModels() {
        SwapConfig c = ok("models:\n  a: {cmd: \"x ${PORT}\", aliases: [al]}\nrouting:\n  scheduler:\n    use: fifo\n"
                + "    settings:\n      fifo:\n        priority: {al: 7}\n");
        assertEquals(7, c.routing().priorityOf("a"));
        assertError("models:\n  a: {cmd: \"x ${PORT}\"}\nrouting:\n  scheduler:\n    use: lifo\n",
                "application.yaml:5: routing.scheduler.use: unknown scheduler 'lifo' (valid: fifo)");
        assertError("models:\n  a: {cmd: \"x ${PORT}\"}\nrouting:\n  scheduler:\n    settings:\n      fifo:\n        priority: {ghost: 1}\n",
                "application.yaml:7: routing.scheduler.settings.fifo.priority.ghost: unknown model 'ghost'");
    }

    @Test
    void preloadDropsUnknownModelsWithAWarning() {
        LoadResult result = load("models:\n  a: {cmd: \"x ${PORT}\", aliases: [al]}\nhooks:\n  on_startup:\n    preload: [al, ghost]\n");
        assertEquals(List.of("a"), result.config().orElseThrow().preload());
        assertEquals("application.yaml:5: hooks.on_startup.preload[1]: unknown model 'ghost', not preloaded",
                result.warnings().get(0).toString());
    }

    // ------------------------------------------------------------ config dir merge

    @TempDir
    Path dir;

    private LoadResult loadDir(String main, String... files) throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, main);
        Path conf = Files.createDirectories(dir.resolve("conf.d"));
        for (int i = 0; i < files.length; i++) {
            Files.writeString(conf.resolve((char) ('a' + i) + ".yaml"), files[i]);
        }
        return new ConfigLoader(ENV::get).load(config, Optional.of(conf));
    }

    @Test
    void dirMergeAddsModelsConcatenatesListsAndMergesMaps() throws Exception {
        LoadResult r = loadDir("apiKeys: [k1]\nlogLevel: info\nmodels:\n  a: {cmd: \"x ${PORT}\"}\n",
                "apiKeys: [k2]\nlogLevel: info\nmodels:\n  b: {cmd: \"y ${PORT}\"}\nui:\n  activity:\n    session_id: [X-A]\n");
        assertTrue(r.ok(), r.errorReport());
        SwapConfig c = r.config().orElseThrow();
        assertEquals(List.of("k1", "k2"), c.apiKeys());
        assertEquals(List.of("a", "b"), List.copyOf(c.models().keySet()));
        assertTrue(r.modelLocations().get("b").file().endsWith("a.yaml"));
    }

    @Test
    void dirMergeDuplicateModelIsAnErrorNamingBothPlaces() throws Exception {
        LoadResult r = loadDir("models:\n  a: {cmd: \"x ${PORT}\"}\n", "models:\n  a: {cmd: \"y ${PORT}\"}\n");
        String error = r.errors().get(0).toString();
        assertTrue(error.matches(".*conf.d/a.yaml:2: models.a: already defined at .*config.yaml:2"), error);
    }

    @Test
    void dirMergeDifferingScalarIsAnErrorAndNullYields() throws Exception {
        LoadResult r = loadDir("logLevel: info\nmodels:\n  a: {cmd: \"x ${PORT}\"}\n", "logLevel: debug\n");
        assertTrue(r.errors().get(0).toString().matches(".*a.yaml:1: logLevel: conflicts with the different value at .*config.yaml:1"),
                r.errorReport());
        LoadResult yields = loadDir("logLevel:\nmodels:\n  a: {cmd: \"x ${PORT}\"}\n", "logLevel: debug\n");
        assertEquals("debug", yields.config().orElseThrow().logLevel());
    }

    @Test
    void dirMergeIdentityGroupsInRoutingAndKindMismatch() throws Exception {
        LoadResult r = loadDir("models:\n  a: {cmd: \"x ${PORT}\"}\nrouting:\n  router:\n    settings:\n      groups:\n        g: {members: [a]}\n",
                "routing:\n  router:\n    settings:\n      groups:\n        g: {members: []}\n");
        assertTrue(r.errorReport().contains("routing.router.settings.groups.g: already defined at"), r.errorReport());
        LoadResult kinds = loadDir("apiKeys: [k]\nmodels: {}\n", "apiKeys: k\n");
        assertTrue(kinds.errorReport().contains("apiKeys: a scalar cannot merge with the list at"), kinds.errorReport());
    }

    @Test
    void peersSelectorsProfiles() {
        SwapConfig c = ok("models:\n  a: {cmd: \"x ${PORT}\"}\npeers:\n  remote:\n    proxy: http://peer:8080\n    models: [big]\n"
                + "selectors:\n  pick:\n    strategy: pin\n    targets: [a, remote/big]\nprofiles:\n  p:\n    pins:\n      chat: pick\n      free: ~\n");
        assertEquals(60, c.peers().get("remote").timeouts().responseHeader());
        assertEquals(List.of("a", "remote/big"), c.selectors().get("pick").targets());
        assertEquals(Map.of("chat", "pick", "free", ""), c.profiles().get("p").pins());
        assertError("models:\n  a: {cmd: \"x ${PORT}\"}\nselectors:\n  s:\n    strategy: warm\n    targets: [ghost]\n",
                "application.yaml:6: selectors.s.targets[0]: unknown model 'ghost'");
        assertError("peers:\n  r:\n    models: [m]\n", "application.yaml:2: peers.r.proxy: is required");
    }
}
