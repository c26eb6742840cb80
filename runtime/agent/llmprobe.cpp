#include "agent/llmprobe.h"

#include "agent/agentruntime.h"
#include "llm/requestgovernor.h"

#include <QElapsedTimer>

namespace ktx {

namespace {

bool mentionsAny(const QString &text, std::initializer_list<const char *> markers)
{
    for (const char *m : markers) {
        if (text.contains(QLatin1String(m), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

QString cliName(const QString &backend)
{
    return backend == QLatin1String("codex") ? QStringLiteral("Codex")
                                             : QStringLiteral("Claude Code");
}

} // namespace

QString LlmProbeResult::verdictName() const
{
    switch (verdict) {
    case Verdict::Ok:
        return QStringLiteral("ok");
    case Verdict::NotConfigured:
        return QStringLiteral("not_configured");
    case Verdict::NotInstalled:
        return QStringLiteral("not_installed");
    case Verdict::NotSignedIn:
        return QStringLiteral("not_signed_in");
    case Verdict::ModelUnavailable:
        return QStringLiteral("model_unavailable");
    case Verdict::Unreachable:
        return QStringLiteral("unreachable");
    case Verdict::Failed:
        break;
    }
    return QStringLiteral("failed");
}

LlmProbeResult::Verdict LlmProbe::classify(const QString &backend, const Error &error)
{
    using V = LlmProbeResult::Verdict;
    const QString text = error.message + QLatin1Char(' ') + error.code;
    if (error.code == QLatin1String("llm.cli_not_installed"))
        return V::NotInstalled;
    if (error.code == QLatin1String("llm.unreachable"))
        return V::Unreachable;
    if (error.code == QLatin1String("llm.http_401")
        || error.code == QLatin1String("llm.key_missing"))
        return V::NotSignedIn;
    if (error.code == QLatin1String("llm.http_404"))
        return V::ModelUnavailable;
    if (mentionsAny(text,
                    {"model_not_found", "not supported", "not available", "does not exist",
                     "unknown model", "unsupported model", "invalid model", "model not found",
                     "no such model", "issue with the selected model"}))
        return V::ModelUnavailable;
    if (mentionsAny(text,
                    {"not logged in", "please run /login", "login", "sign in", "authentication",
                     "unauthorized", "invalid api key", "invalid x-api-key", "401", "credentials",
                     "not authenticated"}))
        return V::NotSignedIn;
    Q_UNUSED(backend);
    return V::Failed;
}

LlmProbeResult LlmProbe::run(const LlmSettings &settings, const CancellationToken &cancel)
{
    QElapsedTimer clock;
    clock.start();
    LlmProbeResult r;
    r.model = settings.modelFor(QStringLiteral("default"));
    if (settings.backend == QLatin1String("none")) {
        r.verdict = LlmProbeResult::Verdict::NotConfigured;
        r.message = QStringLiteral("No LLM backend is configured.");
        r.fix = QStringLiteral("Choose one with `ktx setup --llm-backend <backend>`.");
        return r;
    }
    LlmSettings probeSettings = settings;
    probeSettings.maxOutputTokens = 1;
    probeSettings.idleTimeoutMs = std::min(probeSettings.idleTimeoutMs, 30000);
    probeSettings.requestTimeoutMs = std::min(probeSettings.requestTimeoutMs, 60000);
    probeSettings.processTimeoutMs = std::min(probeSettings.processTimeoutMs, 120000);
    // A probe answers now or says why; it does not sit through a minute of backoff.
    auto governor = std::make_shared<RequestGovernor>(RequestGovernor::Policy {.maxConcurrency = 1,
                                                                               .maxAttempts = 2,
                                                                               .baseDelayMs = 500,
                                                                               .maxDelayMs = 2000,
                                                                               .jitter = true,
                                                                               .maxWaitMs = 2000});
    const LoopResult result = AgentRuntime(probeSettings, governor)
                                  .generateText(QStringLiteral("default"), QString(),
                                                QStringLiteral("Reply with exactly: ok"), cancel);
    r.elapsedMs = clock.elapsed();
    if (result.stopReason == StopReason::Natural || result.stopReason == StopReason::Budget) {
        r.verdict = LlmProbeResult::Verdict::Ok;
        r.message = QStringLiteral("%1 answered with model %2 in %3 ms.")
                        .arg(settings.isAgentCli() ? cliName(settings.backend)
                                                   : QStringLiteral("The model API"),
                             r.model)
                        .arg(r.elapsedMs);
        return r;
    }
    if (result.stopReason == StopReason::Cancelled) {
        r.verdict = LlmProbeResult::Verdict::Failed;
        r.message = QStringLiteral("The check was cancelled.");
        return r;
    }
    r.verdict = classify(settings.backend, result.error);
    r.message = result.error.message;
    switch (r.verdict) {
    case LlmProbeResult::Verdict::NotInstalled:
        r.fix = result.error.hint;
        break;
    case LlmProbeResult::Verdict::NotSignedIn:
        r.fix = settings.backend == QLatin1String("codex")
            ? QStringLiteral("Run `codex login`, then check again.")
            : settings.backend == QLatin1String("claude-code")
            ? QStringLiteral(
                "Run `claude` once and sign in (or `claude setup-token`), then check again.")
            : QStringLiteral("Check the API key the backend uses (llm.provider.*.api_key or its "
                             "environment variable).");
        break;
    case LlmProbeResult::Verdict::ModelUnavailable:
        r.fix = QStringLiteral("The model \"%1\" is not available for this account. Set "
                               "llm.models.default to a model "
                               "you can use (`ktx setup --llm-backend %2 --llm-model <model>`).")
                    .arg(r.model, settings.backend);
        break;
    case LlmProbeResult::Verdict::Unreachable:
        r.fix = QStringLiteral("Check the base URL and that the server is running.");
        break;
    default:
        r.fix = result.error.hint;
        break;
    }
    return r;
}

LlmProbeResult LlmProbe::run(const LlmConfig &config, const QString &projectDir,
                             const CancellationToken &cancel)
{
    Result<LlmSettings> settings = LlmSettings::fromConfig(config, projectDir);
    if (!settings) {
        LlmProbeResult r;
        r.verdict = settings.error().code == QLatin1String("llm.cli_not_installed")
            ? LlmProbeResult::Verdict::NotInstalled
            : LlmProbeResult::Verdict::NotConfigured;
        r.message = settings.error().message;
        r.fix = settings.error().hint;
        r.model = config.modelFor(QStringLiteral("default"));
        return r;
    }
    return run(settings.value(), cancel);
}

} // namespace ktx
