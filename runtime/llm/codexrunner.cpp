#include "llm/codexrunner.h"

#include "llm/agentprocess.h"
#include "llm/codexeventparser.h"
#include "llm/runtoolserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

namespace ktx {

namespace {

QString tomlString(const QString &value)
{
    // A TOML basic string and a JSON string escape the same characters we emit.
    return QString::fromUtf8(QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

} // namespace

const QStringList &CodexRunner::allowedEnvironment()
{
    static const QStringList names = {
        QStringLiteral("HOME"),
        QStringLiteral("PATH"),
        QStringLiteral("USER"),
        QStringLiteral("LOGNAME"),
        QStringLiteral("LANG"),
        QStringLiteral("LC_ALL"),
        QStringLiteral("TMPDIR"),
        QStringLiteral("CODEX_HOME"),
        QStringLiteral("CODEX_SQLITE_HOME"),
        QStringLiteral("SSL_CERT_FILE"),
        QStringLiteral("SSL_CERT_DIR"),
        QStringLiteral("HTTPS_PROXY"),
        QStringLiteral("HTTP_PROXY"),
        QStringLiteral("NO_PROXY"),
        QStringLiteral("https_proxy"),
        QStringLiteral("http_proxy"),
        QStringLiteral("no_proxy"),
        QStringLiteral("XDG_CONFIG_HOME"),
        QStringLiteral("XDG_RUNTIME_DIR"),
    };
    return names;
}

LoopResult CodexRunner::run(const LlmSettings &settings, const LoopRequest &request,
                            const AgentEventSink &events)
{
    QElapsedTimer clock;
    clock.start();
    LoopResult result;
    result.model = settings.modelFor(request.role);
    const int budget = std::max(1, request.stepBudget);

    QTemporaryDir scratch;
    if (!scratch.isValid())
        return result.failed(
            QStringLiteral("llm.io"),
            QStringLiteral("Could not create a temporary folder for the codex run."));

    QStringList args {QStringLiteral("exec"),
                      QStringLiteral("--json"),
                      QStringLiteral("--skip-git-repo-check"),
                      QStringLiteral("--sandbox"),
                      QStringLiteral("read-only"),
                      QStringLiteral("--model"),
                      result.model,
                      QStringLiteral("-c"),
                      QStringLiteral("approval_policy=\"never\""),
                      QStringLiteral("-c"),
                      QStringLiteral("web_search=\"disabled\""),
                      QStringLiteral("-c"),
                      QStringLiteral("history.persistence=\"none\""),
                      QStringLiteral("-c"),
                      QStringLiteral("analytics.enabled=false"),
                      QStringLiteral("--disable"),
                      QStringLiteral("plugins")};
    const QString workDir = settings.projectDir.isEmpty() ? scratch.path() : settings.projectDir;
    args << QStringLiteral("--cd") << workDir;

    QMap<QString, QString> add = settings.childEnvironment;
    std::unique_ptr<RunToolServer> server;
    if (!request.tools.isEmpty()) {
        Result<std::unique_ptr<RunToolServer>> started = RunToolServer::start(request.tools);
        if (!started)
            return result.failed(started.error().code, started.error().message);
        server = std::move(started.value());
        const QString s = QStringLiteral("mcp_servers.%1.").arg(QLatin1String(ServerName));
        QStringList names;
        for (const QString &n : request.tools.names())
            names << tomlString(n);
        args << QStringLiteral("-c") << s + QStringLiteral("url=") + tomlString(server->url())
             << QStringLiteral("-c")
             << s + QStringLiteral("bearer_token_env_var=")
                + tomlString(QLatin1String(TokenVariable))
             << QStringLiteral("-c")
             << s + QStringLiteral("enabled_tools=[") + names.join(QLatin1String(", "))
                + QLatin1Char(']')
             << QStringLiteral("-c")
             << s + QStringLiteral("default_tools_approval_mode=\"approve\"")
             << QStringLiteral("-c") << s + QStringLiteral("required=true") << QStringLiteral("-c")
             << s + QStringLiteral("startup_timeout_sec=30") << QStringLiteral("-c")
             << s + QStringLiteral("tool_timeout_sec=600");
        add.insert(QLatin1String(TokenVariable), server->token());
    }
    if (!request.outputSchema.isEmpty()) {
        const QString schemaPath = scratch.filePath(QStringLiteral("output-schema.json"));
        QFile f(schemaPath);
        if (!f.open(QIODevice::WriteOnly))
            return result.failed(QStringLiteral("llm.io"),
                                 QStringLiteral("Could not write the output schema for codex."));
        f.write(QJsonDocument(request.outputSchema).toJson(QJsonDocument::Compact));
        f.close();
        args << QStringLiteral("--output-schema") << schemaPath;
    }
    args << settings.extraArguments;

    const QString prompt = request.systemPrompt.isEmpty()
        ? request.userPrompt
        : request.systemPrompt + QStringLiteral("\n\n") + request.userPrompt;
    AgentProcess::Spec spec;
    spec.program = settings.executable;
    if (prompt.toUtf8().size() > MaxArgumentPrompt) {
        args << QStringLiteral("-");
        spec.stdinData = prompt.toUtf8();
    } else {
        args << QStringLiteral("--") << prompt;
    }
    spec.arguments = args;
    spec.environment = AgentProcess::environmentOnly(allowedEnvironment(), add);
    spec.workingDirectory = workDir;
    spec.silenceTimeoutMs = settings.processTimeoutMs;

    CodexEventParser parser(events);
    bool budgetStop = false;
    const AgentProcess::Outcome outcome = AgentProcess::run(
        spec,
        [&](const QByteArray &line) {
            parser.feedLine(line);
            // Budget reached and the model is still working: stop it here, not after it decides to.
            if (parser.actionSteps() >= budget && !parser.turnCompleted()) {
                budgetStop = true;
                return false;
            }
            return true;
        },
        request.cancel);

    result.durationMs = clock.elapsed();
    result.steps = parser.steps();
    result.usage = parser.usage();
    result.finalText = parser.finalText();

    if (outcome.ending == AgentProcess::Ending::Cancelled) {
        result.stopReason = StopReason::Cancelled;
        return result;
    }
    if (budgetStop) {
        result.stopReason = StopReason::Budget;
        return result;
    }
    if (outcome.ending == AgentProcess::Ending::FailedToStart) {
        return result.failed(
            QStringLiteral("llm.cli_not_installed"),
            QStringLiteral("Could not start %1: %2").arg(settings.executable, outcome.startError),
            QStringLiteral(
                "Install Codex (`npm install -g @openai/codex`) or set KTX_CODEX_EXECUTABLE."));
    }
    if (outcome.ending == AgentProcess::Ending::TimedOut) {
        return result.failed(QStringLiteral("llm.cli_hung"),
                             QStringLiteral("codex printed nothing for %1 s and was stopped.")
                                     .arg(settings.processTimeoutMs / 1000)
                                 + outcome.stderrSuffix(QStringLiteral("codex")));
    }
    if (!parser.failure().isEmpty())
        return result.failed(QStringLiteral("llm.cli_failed"),
                             QStringLiteral("Codex failed: %1").arg(parser.failure()));
    if (!parser.toolFailures().isEmpty()) {
        return result.failed(QStringLiteral("llm.tool_failed"),
                             QStringLiteral("Codex runtime tool call failed: %1")
                                 .arg(parser.toolFailures().join(QLatin1String("; "))));
    }
    if (outcome.ending == AgentProcess::Ending::Crashed || outcome.exitCode != 0) {
        return result.failed(QStringLiteral("llm.cli_failed"),
                             QStringLiteral("codex exited with %1.")
                                     .arg(outcome.ending == AgentProcess::Ending::Crashed
                                              ? QStringLiteral("a crash")
                                              : QStringLiteral("code %1").arg(outcome.exitCode))
                                 + outcome.stderrSuffix(QStringLiteral("codex")));
    }
    if (!parser.turnCompleted())
        return result.failed(QStringLiteral("llm.cli_failed"),
                             QStringLiteral("codex ended before the turn completed.")
                                 + outcome.stderrSuffix(QStringLiteral("codex")));
    if (!request.outputSchema.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(result.finalText.toUtf8());
        if (doc.isNull())
            return result.failed(
                QStringLiteral("llm.structured_invalid"),
                QStringLiteral("Codex's answer was not the JSON the schema asks for."));
        result.structured = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    }
    result.stopReason = StopReason::Natural;
    return result;
}

} // namespace ktx
