#include "llm/claudecoderunner.h"

#include "llm/agentprocess.h"
#include "llm/claudestreamparser.h"
#include "llm/runtoolserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>

namespace ktx {

namespace { } // namespace

const QStringList &ClaudeCodeRunner::strippedEnvironment()
{
    static const QStringList names = {
        QStringLiteral("ANTHROPIC_BASE_URL"),
        QStringLiteral("ANTHROPIC_MODEL"),
        QStringLiteral("ANTHROPIC_DEFAULT_OPUS_MODEL"),
        QStringLiteral("ANTHROPIC_DEFAULT_SONNET_MODEL"),
        QStringLiteral("ANTHROPIC_DEFAULT_HAIKU_MODEL"),
        QStringLiteral("ANTHROPIC_SMALL_FAST_MODEL"),
        QStringLiteral("ANTHROPIC_CUSTOM_HEADERS"),
        QStringLiteral("CLAUDE_CODE_USE_BEDROCK"),
        QStringLiteral("CLAUDE_CODE_USE_VERTEX"),
        QStringLiteral("CLAUDE_CODE_USE_FOUNDRY"),
        QStringLiteral("ANTHROPIC_VERTEX_PROJECT_ID"),
        QStringLiteral("ANTHROPIC_VERTEX_BASE_URL"),
        QStringLiteral("ANTHROPIC_BEDROCK_BASE_URL"),
        QStringLiteral("CLOUD_ML_REGION"),
        QStringLiteral("CLAUDE_CODE_SKIP_VERTEX_AUTH"),
        QStringLiteral("CLAUDE_CODE_SKIP_BEDROCK_AUTH"),
        QStringLiteral("CLAUDE_CONFIG_DIR"),
    };
    return names;
}

const QStringList &ClaudeCodeRunner::deniedBuiltinTools()
{
    static const QStringList names = {
        QStringLiteral("Agent"),
        QStringLiteral("Task"),
        QStringLiteral("AskUserQuestion"),
        QStringLiteral("Bash"),
        QStringLiteral("Read"),
        QStringLiteral("Edit"),
        QStringLiteral("Write"),
        QStringLiteral("MultiEdit"),
        QStringLiteral("Glob"),
        QStringLiteral("Grep"),
        QStringLiteral("WebFetch"),
        QStringLiteral("WebSearch"),
        QStringLiteral("TodoWrite"),
        QStringLiteral("NotebookEdit"),
    };
    return names;
}

LoopResult ClaudeCodeRunner::run(const LlmSettings &settings, const LoopRequest &request,
                                 const AgentEventSink &events)
{
    QElapsedTimer clock;
    clock.start();
    LoopResult result;
    result.model = settings.modelFor(request.role);
    const QString prefix = QStringLiteral("mcp__%1__").arg(QLatin1String(ServerName));

    QTemporaryDir scratch;
    if (!scratch.isValid())
        return result.failed(
            QStringLiteral("llm.io"),
            QStringLiteral("Could not create a temporary folder for the claude run."));

    std::unique_ptr<RunToolServer> server;
    QJsonObject servers;
    QStringList allowed;
    if (!request.tools.isEmpty()) {
        Result<std::unique_ptr<RunToolServer>> started = RunToolServer::start(request.tools);
        if (!started)
            return result.failed(started.error().code, started.error().message);
        server = std::move(started.value());
        servers.insert(
            QLatin1String(ServerName),
            QJsonObject {{QStringLiteral("type"), QStringLiteral("http")},
                         {QStringLiteral("url"), server->url()},
                         {QStringLiteral("headers"),
                          QJsonObject {{QStringLiteral("Authorization"),
                                        QString(QStringLiteral("Bearer ") + server->token())}}}});
        for (const QString &name : request.tools.names())
            allowed << prefix + name;
    }
    // The config carries the bearer token: a 0600 file, not an argument other users could read.
    const QString configPath = scratch.filePath(QStringLiteral("mcp.json"));
    {
        QFile f(configPath);
        if (!f.open(QIODevice::WriteOnly)
            || !f.setPermissions(QFile::ReadOwner | QFile::WriteOwner))
            return result.failed(QStringLiteral("llm.io"),
                                 QStringLiteral("Could not write the MCP config for claude."));
        f.write(QJsonDocument(QJsonObject {{QStringLiteral("mcpServers"), servers}})
                    .toJson(QJsonDocument::Compact));
    }

    QStringList args {QStringLiteral("-p"),
                      QStringLiteral("--output-format"),
                      QStringLiteral("stream-json"),
                      QStringLiteral("--verbose"),
                      QStringLiteral("--setting-sources"),
                      QString(),
                      QStringLiteral("--strict-mcp-config"),
                      QStringLiteral("--mcp-config"),
                      configPath,
                      QStringLiteral("--tools"),
                      QString(),
                      QStringLiteral("--disallowedTools"),
                      deniedBuiltinTools().join(QLatin1Char(',')),
                      QStringLiteral("--permission-mode"),
                      QStringLiteral("dontAsk"),
                      QStringLiteral("--max-turns"),
                      QString::number(std::max(1, request.stepBudget)),
                      QStringLiteral("--model"),
                      result.model,
                      QStringLiteral("--no-session-persistence")};
    if (!allowed.isEmpty())
        args << QStringLiteral("--allowedTools") << allowed.join(QLatin1Char(','));
    if (!request.systemPrompt.isEmpty())
        args << QStringLiteral("--system-prompt") << request.systemPrompt;
    if (!request.outputSchema.isEmpty())
        args << QStringLiteral("--json-schema")
             << QString::fromUtf8(
                    QJsonDocument(request.outputSchema).toJson(QJsonDocument::Compact));
    args << settings.extraArguments;

    QMap<QString, QString> add = settings.childEnvironment;
    add.insert(QStringLiteral("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"), QStringLiteral("1"));
    add.insert(QStringLiteral("DISABLE_AUTOUPDATER"), QStringLiteral("1"));
    AgentProcess::Spec spec;
    spec.program = settings.executable;
    spec.arguments = args;
    spec.environment = AgentProcess::environmentWithout(strippedEnvironment(), {});
    for (auto it = add.begin(); it != add.end(); ++it)
        spec.environment.insert(it.key(), it.value());
    spec.workingDirectory = settings.projectDir.isEmpty() ? scratch.path() : settings.projectDir;
    spec.stdinData = request.userPrompt.toUtf8(); // stdin: no argument-length limit on big prompts
    spec.silenceTimeoutMs = settings.processTimeoutMs;

    ClaudeStreamParser parser(events, prefix);
    QString isolationFailure;
    const QSet<QString> allowedSet(allowed.begin(), allowed.end());
    bool initChecked = false;
    const AgentProcess::Outcome outcome = AgentProcess::run(
        spec,
        [&](const QByteArray &line) {
            parser.feedLine(line);
            if (!initChecked && parser.init()) {
                initChecked = true;
                const ClaudeStreamParser::InitInfo &init = *parser.init();
                QStringList problems;
                for (const QString &tool : init.tools) {
                    if (!allowedSet.contains(tool) && tool != QLatin1String("StructuredOutput"))
                        problems << QStringLiteral("unexpected tool %1").arg(tool);
                }
                for (const QString &tool : std::as_const(allowed)) {
                    if (!init.tools.contains(tool))
                        problems << QStringLiteral("missing tool %1").arg(tool);
                }
                for (auto it = init.mcpServers.begin(); it != init.mcpServers.end(); ++it) {
                    if (it.key() != QLatin1String(ServerName))
                        problems << QStringLiteral("unexpected MCP server %1").arg(it.key());
                    else if (it.value() != QLatin1String("connected"))
                        problems << QStringLiteral("MCP server %1 is %2").arg(it.key(), it.value());
                }
                if (!allowed.isEmpty() && !init.mcpServers.contains(QLatin1String(ServerName)))
                    problems << QStringLiteral("MCP server %1 is missing")
                                    .arg(QLatin1String(ServerName));
                for (const QString &plugin : init.userPlugins)
                    problems << QStringLiteral("unexpected plugin %1").arg(plugin);
                if (!problems.isEmpty()) {
                    isolationFailure = problems.join(QLatin1String("; "));
                    return false;
                }
            }
            return true;
        },
        request.cancel);

    result.durationMs = clock.elapsed();
    if (!isolationFailure.isEmpty()) {
        return result.failed(
            QStringLiteral("llm.isolation_failed"),
            QStringLiteral("Claude Code runtime isolation failed: %1.").arg(isolationFailure),
            QStringLiteral(
                "Remove managed or plugin configuration that adds tools to every claude session, "
                "or update Claude Code."));
    }
    if (outcome.ending == AgentProcess::Ending::Cancelled) {
        result.stopReason = StopReason::Cancelled;
        result.steps = parser.liveSteps();
        return result;
    }
    if (outcome.ending == AgentProcess::Ending::FailedToStart) {
        return result.failed(
            QStringLiteral("llm.cli_not_installed"),
            QStringLiteral("Could not start %1: %2").arg(settings.executable, outcome.startError),
            QStringLiteral("Install Claude Code (`npm install -g @anthropic-ai/claude-code`) or "
                           "set KTX_CLAUDE_EXECUTABLE."));
    }
    if (outcome.ending == AgentProcess::Ending::TimedOut) {
        return result.failed(QStringLiteral("llm.cli_hung"),
                             QStringLiteral("claude printed nothing for %1 s and was stopped.")
                                     .arg(settings.processTimeoutMs / 1000)
                                 + outcome.stderrSuffix(QStringLiteral("claude")));
    }

    const std::optional<ClaudeStreamParser::Outcome> &out = parser.outcome();
    if (!out) {
        result.steps = parser.liveSteps();
        return result.failed(
            QStringLiteral("llm.cli_failed"),
            QStringLiteral("claude ended without a result (%1).")
                    .arg(outcome.ending == AgentProcess::Ending::Crashed
                             ? QStringLiteral("it crashed")
                             : QStringLiteral("exit code %1").arg(outcome.exitCode))
                + outcome.stderrSuffix(QStringLiteral("claude")));
    }
    result.steps = out->numTurns;
    result.usage = out->usage;
    result.costUsd = out->costUsd;
    result.finalText = out->result.isEmpty() ? parser.lastText() : out->result;
    if (out->subtype == QLatin1String("error_max_turns")) {
        result.stopReason = StopReason::Budget;
        return result;
    }
    if (out->isError || out->subtype != QLatin1String("success")) {
        QString message = out->result;
        if (message.isEmpty())
            message = out->errors.join(QLatin1String("; "));
        if (message.isEmpty())
            message = out->subtype;
        return result.failed(QStringLiteral("llm.cli_failed"),
                             QStringLiteral("Claude Code failed: %1").arg(message));
    }
    if (!request.outputSchema.isEmpty())
        result.structured = out->structured;
    result.stopReason = StopReason::Natural;
    return result;
}

} // namespace ktx
