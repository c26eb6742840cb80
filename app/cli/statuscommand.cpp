#include "statuscommand.h"

#include "agent/llmprobe.h"
#include "clicontext.h"
#include "llm/embeddingclient.h"
#include "project/configloader.h"
#include "project/projectlocator.h"
#include "status/statusreporter.h"

#include <QJsonArray>

namespace ktx {

int StatusCommand::run(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Show whether the project is ready: configuration, model, databases, context, agents."));
    const QCommandLineOption validate(QStringLiteral("validate"),
                                      QStringLiteral("Only check ktx.yaml against the schema."));
    const QCommandLineOption verbose(
        {QStringLiteral("v"), QStringLiteral("verbose")},
        QStringLiteral("Accepted for compatibility; every line is always shown."));
    const QCommandLineOption fast(
        QStringLiteral("fast"),
        QStringLiteral(
            "Accepted for compatibility; status reaches the network only with --probe."));
    const QCommandLineOption probe(
        QStringLiteral("probe"),
        QStringLiteral(
            "Also check that the configured model answers (one tiny request, or a trivial "
            "claude/codex run)."));
    parser.addOptions({validate, verbose, fast, probe});
    if (const auto exit = context.parse(parser, QStringLiteral("status"), args))
        return *exit;
    if (!parser.positionalArguments().isEmpty())
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("ktx status takes no arguments (got \"%1\").")
                                .arg(parser.positionalArguments().join(QLatin1Char(' '))),
                            QStringLiteral("Run `ktx status --help` for usage."), ExitUsage);

    const ProjectLocator::Resolution where = ProjectLocator::resolve(context.projectDirFlag);
    if (context.debug)
        context.err() << "debug: project dir " << where.dir << " (origin " << int(where.origin)
                      << ", ktx.yaml " << (where.hasConfig ? "found" : "missing") << ")\n";

    if (parser.isSet(validate)) {
        if (!where.hasConfig)
            return context.fail(QStringLiteral("missing_project"),
                                QStringLiteral("No ktx.yaml found in %1").arg(where.dir),
                                QStringLiteral("Run `ktx setup` to create one."));
        auto loaded = ConfigLoader::loadFile(ProjectLocator::configPath(where.dir));
        if (!loaded.ok())
            return context.fail(loaded.error().code, loaded.error().message, loaded.error().hint);
        QJsonArray issues;
        for (const ConfigIssue &i : loaded->issues)
            issues.append(QJsonObject {{QStringLiteral("path"), i.path},
                                       {QStringLiteral("message"), i.message},
                                       {QStringLiteral("fix"), i.fix},
                                       {QStringLiteral("severity"), i.severityName()},
                                       {QStringLiteral("line"), i.line},
                                       {QStringLiteral("column"), i.column}});
        const bool errors = loaded->hasErrors();
        if (context.json) {
            QJsonObject result {{QStringLiteral("projectDir"), where.dir}};
            if (errors) {
                result.insert(QStringLiteral("error"), QStringLiteral("invalid_config"));
                result.insert(QStringLiteral("issues"), issues);
            } else {
                result.insert(QStringLiteral("ok"), true);
                if (!issues.isEmpty())
                    result.insert(QStringLiteral("warnings"), issues);
            }
            context.printJson(result);
        } else {
            context.out() << "ktx status · " << where.dir << "\n";
            if (errors)
                context.out() << "✗ Config    ktx.yaml has " << loaded->issues.size()
                              << " schema issue(s)\n";
            else if (!loaded->issues.isEmpty())
                context.out() << "⚠ Config    ktx.yaml schema valid · " << loaded->issues.size()
                              << " ignored field(s)\n";
            else
                context.out() << "✓ Config    ktx.yaml schema valid\n";
            for (const ConfigIssue &i : loaded->issues)
                context.out() << "    " << i.location() << "  " << i.message << "\n        → "
                              << i.fix << "\n";
        }
        return errors ? ExitFailure : ExitOk;
    }

    StatusReport report = StatusReporter::compute(where.dir);
    QJsonObject probes;
    if (parser.isSet(probe) && report.projectFound) {
        auto loaded = ConfigLoader::loadFile(ProjectLocator::configPath(where.dir));
        if (loaded.ok() && report.llmBackend != QLatin1String("none")) {
            const LlmProbeResult result = LlmProbe::run(loaded->config.llm, where.dir);
            StatusReporter::applyProbe(report, QStringLiteral("llm"), result.ok(), result.message,
                                       result.fix);
            probes.insert(QStringLiteral("llm"),
                          QJsonObject {{QStringLiteral("verdict"), result.verdictName()},
                                       {QStringLiteral("model"), result.model},
                                       {QStringLiteral("message"), result.message},
                                       {QStringLiteral("fix"), result.fix},
                                       {QStringLiteral("elapsedMs"), result.elapsedMs}});
        }
        if (loaded.ok() && loaded->config.ingest.embeddings.backend != QLatin1String("none")) {
            Result<EmbeddingClient> client
                = EmbeddingClient::fromConfig(loaded->config.ingest.embeddings, where.dir);
            Result<int> dims = client ? client->probe() : Result<int>(client.error());
            const QString message = dims
                ? QStringLiteral("The embeddings server answered with %1-dimensional vectors.")
                      .arg(*dims)
                : dims.error().message;
            StatusReporter::applyProbe(report, QStringLiteral("embeddings"), dims.ok(), message,
                                       dims ? QString() : dims.error().hint);
            probes.insert(
                QStringLiteral("embeddings"),
                QJsonObject {{QStringLiteral("ok"), dims.ok()},
                             {QStringLiteral("message"), message},
                             {QStringLiteral("fix"), dims ? QString() : dims.error().hint}});
        }
    }
    if (context.json && !probes.isEmpty()) {
        QJsonObject json = report.toJson();
        json.insert(QStringLiteral("probes"), probes);
        context.printJson(json);
        return report.verdict == Verdict::Blocked ? ExitFailure : ExitOk;
    }
    if (context.json)
        context.printJson(report.toJson());
    else
        context.out() << report.toText();
    context.out().flush();
    if (!report.projectFound)
        return ExitFailure;
    return report.verdict == Verdict::Blocked ? ExitFailure : ExitOk;
}

} // namespace ktx
