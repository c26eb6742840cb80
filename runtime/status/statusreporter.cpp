#include "status/statusreporter.h"

#include "git/gitrepository.h"
#include "project/configloader.h"
#include "project/projectlocator.h"
#include "project/secretref.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ktx {

namespace {

using State = ReadinessState;

// "1 connection", "3 connections": readiness text is read by people.
QString count(qsizetype n, const char *singular, const char *plural)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? singular : plural));
}

QJsonObject readSmallJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.read(4 * 1024 * 1024)).object();
}

QString secretDetail(const QString &ref, const QString &envFallback, const QString &projectDir,
                     bool *ok)
{
    const SecretRef secret = SecretRef::parse(ref);
    if (secret.kind() != SecretRef::Kind::Empty) {
        *ok = secret.isAvailable(projectDir);
        if (secret.kind() == SecretRef::Kind::Env)
            return *ok ? QStringLiteral("key set (env)")
                       : QStringLiteral("key missing (env: %1)").arg(secret.target());
        if (secret.kind() == SecretRef::Kind::File)
            return *ok ? QStringLiteral("key set")
                       : QStringLiteral("key missing (file: %1)").arg(secret.target());
        return QStringLiteral("key set (literal in ktx.yaml)");
    }
    *ok = !envFallback.isEmpty()
        && !qEnvironmentVariableIsEmpty(envFallback.toLatin1().constData());
    return *ok ? QStringLiteral("key set (env: %1)").arg(envFallback)
               : QStringLiteral("key missing (env: %1)").arg(envFallback);
}

ReadinessLine llmLine(const ProjectConfig &config, const QString &projectDir)
{
    ReadinessLine line {QStringLiteral("llm"), QStringLiteral("LLM ready"), State::Ok, {}, {}, {},
                        QStringLiteral("llm")};
    const LlmConfig &llm = config.llm;
    const QString model = llm.models.value(QStringLiteral("default"));
    if (llm.backend == QLatin1String("none")) {
        line.state = State::Warn;
        line.value = QStringLiteral("no");
        line.detail = QStringLiteral("no LLM configured; ingest builds structural context only "
                                     "(schema, keys, relationships, profiles)");
        line.remediation = QStringLiteral("Choose an LLM provider with `ktx setup --llm-backend "
                                          "<backend>` to draft descriptions and wiki pages.");
        return line;
    }
    if (model.isEmpty()) {
        line.state = State::Fail;
        line.value = QStringLiteral("no");
        line.detail
            = QStringLiteral("llm.models.default is required for backend \"%1\"").arg(llm.backend);
        line.remediation = QStringLiteral("Add `models: {default: <model id>}` under `llm:` in "
                                          "ktx.yaml, or rerun `ktx setup --llm-backend %1`.")
                               .arg(llm.backend);
        return line;
    }
    line.value = QStringLiteral("yes (%1)").arg(model);
    bool ok = true;
    if (llm.backend == QLatin1String("anthropic")) {
        line.detail = secretDetail(llm.anthropic.apiKey, QStringLiteral("ANTHROPIC_API_KEY"),
                                   projectDir, &ok);
        if (!ok)
            line.remediation
                = QStringLiteral("Set ANTHROPIC_API_KEY, or store a key with `ktx setup "
                                 "--llm-backend anthropic --anthropic-api-key-file <file>`.");
    } else if (llm.backend == QLatin1String("gateway")) {
        line.detail = secretDetail(llm.gateway.apiKey, QString(), projectDir, &ok);
        if (!ok)
            line.remediation
                = QStringLiteral("Set llm.provider.gateway.api_key to an env: or file: reference.");
    } else if (llm.backend == QLatin1String("openai-compatible")) {
        if (llm.openaiCompatible.baseUrl.isEmpty()) {
            ok = false;
            line.detail = QStringLiteral("llm.provider.openaiCompatible.base_url not set");
            line.remediation = QStringLiteral("Set llm.provider.openaiCompatible.base_url (for "
                                              "example http://127.0.0.1:11434/v1).");
        } else {
            line.detail = QStringLiteral("server: %1").arg(llm.openaiCompatible.baseUrl);
        }
    } else if (llm.backend == QLatin1String("vertex")) {
        ok = !llm.vertexProject.isEmpty() && !llm.vertexLocation.isEmpty();
        line.detail = ok
            ? QStringLiteral("project=%1 location=%2").arg(llm.vertexProject, llm.vertexLocation)
            : QStringLiteral("vertex project or location not configured");
        if (!ok)
            line.remediation = QStringLiteral("Set llm.provider.vertex.project and location, or "
                                              "rerun `ktx setup --llm-backend vertex`.");
    } else {
        // claude-code / codex: a sign-in only a live probe can confirm.
        line.state = State::Skipped;
        line.detail
            = QStringLiteral("local %1 sign-in not checked (status reads local state only)")
                  .arg(llm.backend == QLatin1String("codex") ? QStringLiteral("Codex")
                                                             : QStringLiteral("Claude Code"));
        return line;
    }
    if (!ok)
        line.state = State::Warn;
    return line;
}

ReadinessLine embeddingsLine(const ProjectConfig &config, const QString &projectDir)
{
    ReadinessLine line {
        QStringLiteral("embeddings"), QStringLiteral("Embeddings ready"), State::Ok, {}, {}, {},
        QStringLiteral("embeddings")};
    const EmbeddingsConfig &e = config.ingest.embeddings;
    if (e.backend == QLatin1String("none")) {
        line.state = State::Warn;
        line.value = QStringLiteral("no");
        line.detail = QStringLiteral(
            "disabled — semantic search will be skipped; lexical search still works");
        line.remediation = QStringLiteral("Optional: choose an embeddings backend with `ktx setup "
                                          "--embedding-backend <backend>`.");
        return line;
    }
    if (e.model.isEmpty() || e.dimensions <= 0) {
        line.state = State::Warn;
        line.value = QStringLiteral("no");
        line.detail = QStringLiteral("ingest.embeddings.model or dimensions not set");
        line.remediation = QStringLiteral(
            "Set ingest.embeddings.model and ingest.embeddings.dimensions in ktx.yaml.");
        return line;
    }
    line.value = QStringLiteral("yes (%1)").arg(e.model);
    if (e.backend == QLatin1String("openai")) {
        bool ok = true;
        line.detail
            = secretDetail(e.openai.apiKey, QStringLiteral("OPENAI_API_KEY"), projectDir, &ok);
        if (!ok) {
            line.state = State::Warn;
            line.remediation
                = QStringLiteral("Set OPENAI_API_KEY, or store a key with `ktx setup "
                                 "--embedding-backend openai --embedding-api-key-file <file>`.");
        }
    } else {
        line.detail = e.sentenceTransformersBaseUrl.isEmpty()
            ? QStringLiteral("managed local embeddings daemon")
            : QStringLiteral("service: %1").arg(e.sentenceTransformersBaseUrl);
    }
    return line;
}

ConnectionStatus connectionStatus(const ConnectionConfig &c, const QString &projectDir)
{
    ConnectionStatus status {c.id, c.driver, State::Ok, {}, {}};
    const auto urlOrHost = [&] {
        const QString url = c.field(QStringLiteral("url"));
        if (!url.isEmpty()) {
            const SecretRef ref = SecretRef::parse(url);
            if (ref.isAvailable(projectDir)) {
                status.detail = QStringLiteral("url configured");
            } else {
                status.state = State::Warn;
                status.detail = ref.kind() == SecretRef::Kind::Env
                    ? QStringLiteral("url missing (env: %1)").arg(ref.target())
                    : QStringLiteral("url missing (file: %1)").arg(ref.target());
                status.fix = ref.kind() == SecretRef::Kind::Env
                    ? QStringLiteral("Set %1").arg(ref.target())
                    : QStringLiteral("Create %1 or rerun `ktx setup`").arg(ref.target());
            }
        } else if (!c.field(QStringLiteral("host")).isEmpty()) {
            status.detail
                = QStringLiteral("host configured (%1)").arg(c.field(QStringLiteral("host")));
        } else {
            status.state = State::Warn;
            status.detail = QStringLiteral("url not set");
            status.fix = QStringLiteral("Set connections.%1.url or host").arg(c.id);
        }
    };
    const QString d = c.driver;
    if (d == QLatin1String("sqlite") || d == QLatin1String("duckdb")) {
        QString path = c.field(QStringLiteral("path"));
        if (path.isEmpty()
            && c.field(QStringLiteral("url")).startsWith(QLatin1String("sqlite:///")))
            path = c.field(QStringLiteral("url")).mid(9);
        if (path.isEmpty()) {
            status.state = State::Warn;
            status.detail = QStringLiteral("path not set");
            status.fix = QStringLiteral("Set connections.%1.path to the database file").arg(c.id);
        } else {
            const SecretRef ref = SecretRef::parse(path);
            const QString resolved = ref.kind() == SecretRef::Kind::Literal
                ? QDir(projectDir)
                      .absoluteFilePath(path.startsWith(QLatin1String("~/"))
                                            ? QDir::homePath() + path.mid(1)
                                            : path)
                : QString();
            status.detail = QStringLiteral("path: %1").arg(path);
            if (!resolved.isEmpty() && !QFileInfo(resolved).isFile()) {
                status.state = State::Warn;
                status.detail = QStringLiteral("file not found: %1").arg(path);
                status.fix
                    = QStringLiteral(
                          "Check connections.%1.path; relative paths start at the project folder")
                          .arg(c.id);
            }
        }
    } else if (d == QLatin1String("postgres") || d == QLatin1String("mysql")
               || d == QLatin1String("sqlserver") || d == QLatin1String("clickhouse")) {
        urlOrHost();
    } else if (d == QLatin1String("snowflake")) {
        const QString account = c.field(QStringLiteral("account"));
        status.state = account.isEmpty() ? State::Warn : State::Ok;
        status.detail = account.isEmpty() ? QStringLiteral("account not set")
                                          : QStringLiteral("account: %1").arg(account);
        if (account.isEmpty())
            status.fix = QStringLiteral("Set connections.%1.account").arg(c.id);
    } else if (d == QLatin1String("bigquery")) {
        const SecretRef ref = SecretRef::parse(c.field(QStringLiteral("credentials_json")));
        const bool ok = ref.kind() == SecretRef::Kind::Empty || ref.isAvailable(projectDir);
        status.state = ok ? State::Ok : State::Warn;
        status.detail = ref.kind() == SecretRef::Kind::Empty
            ? QStringLiteral("application default credentials")
            : ok ? QStringLiteral("credentials configured")
                 : QStringLiteral("credentials missing");
    } else if (d == QLatin1String("dbt")) {
        const QString where = c.field(QStringLiteral("repo_url")).isEmpty()
            ? c.field(QStringLiteral("source_dir"))
            : c.field(QStringLiteral("repo_url"));
        status.state = where.isEmpty() ? State::Warn : State::Ok;
        status.detail = where.isEmpty() ? QStringLiteral("source_dir or repo_url not set")
                                        : QStringLiteral("source: %1").arg(where);
        if (where.isEmpty())
            status.fix = QStringLiteral("Set connections.%1.source_dir or repo_url").arg(c.id);
    } else if (d == QLatin1String("metricflow") || d == QLatin1String("lookml")) {
        const QString repo = d == QLatin1String("lookml")
            ? c.field(QStringLiteral("repoUrl"))
            : c.fields.value(QStringLiteral("metricflow"))
                  .toMap()
                  .value(QStringLiteral("repoUrl"))
                  .toString();
        status.state = repo.isEmpty() ? State::Warn : State::Ok;
        status.detail = repo.isEmpty() ? QStringLiteral("repoUrl not set")
                                       : QStringLiteral("repo: %1").arg(repo);
    } else if (d == QLatin1String("metabase")) {
        const QString url = c.field(QStringLiteral("api_url"));
        status.state = url.isEmpty() ? State::Warn : State::Ok;
        status.detail = url.isEmpty() ? QStringLiteral("api_url not set")
                                      : QStringLiteral("url: %1").arg(url);
    } else if (d == QLatin1String("looker")) {
        const QString url = c.field(QStringLiteral("base_url"));
        status.state = url.isEmpty() ? State::Warn : State::Ok;
        status.detail = url.isEmpty() ? QStringLiteral("base_url not set")
                                      : QStringLiteral("url: %1").arg(url);
    } else if (d == QLatin1String("notion")) {
        QString token = c.field(QStringLiteral("auth_token_ref"));
        if (token.isEmpty())
            token = c.field(QStringLiteral("auth_token"));
        const SecretRef ref = SecretRef::parse(token);
        status.state = ref.isAvailable(projectDir) ? State::Ok : State::Warn;
        status.detail = ref.kind() == SecretRef::Kind::Empty ? QStringLiteral("auth token not set")
            : ref.isAvailable(projectDir) ? QStringLiteral("auth token configured")
                                          : QStringLiteral("auth token missing");
    } else {
        status.detail = QStringLiteral("configured");
    }
    if (status.state != State::Ok && status.fix.isEmpty())
        status.fix = QStringLiteral("Rerun `ktx setup`");
    return status;
}

int countFiles(const QString &dir, const QStringList &patterns)
{
    int count = 0;
    QDirIterator it(dir, patterns, QDir::Files);
    while (it.hasNext()) {
        it.next();
        ++count;
    }
    return count;
}

LocalStats localStats(const QString &projectDir)
{
    LocalStats stats;
    const QDir root(projectDir);
    const QDir layer(root.filePath(QStringLiteral("semantic-layer")));
    for (const QString &connection :
         layer.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const int n = countFiles(layer.filePath(connection),
                                 {QStringLiteral("*.yaml"), QStringLiteral("*.yml")});
        if (n > 0)
            stats.semanticLayer.append({connection, n});
    }
    const int global
        = countFiles(root.filePath(QStringLiteral("wiki/global")), {QStringLiteral("*.md")});
    stats.wikiPages.append({QStringLiteral("GLOBAL"), global});
    const QDir users(root.filePath(QStringLiteral("wiki/user")));
    for (const QString &user : users.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        stats.wikiPages.append({QStringLiteral("USER:") + user,
                                countFiles(users.filePath(user), {QStringLiteral("*.md")})});
    QDirIterator raw(root.filePath(QStringLiteral("raw-sources")), QDir::Files,
                     QDirIterator::Subdirectories);
    while (raw.hasNext()) {
        raw.next();
        if (raw.fileName() == QLatin1String(".gitkeep"))
            continue;
        ++stats.rawSourceFiles;
        stats.rawSourceBytes += raw.fileInfo().size();
    }
    const QDir runs(root.filePath(QStringLiteral(".ktx/runs")));
    for (const QString &run : runs.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString status = readSmallJson(runs.filePath(run + QStringLiteral("/run.json")))
                                   .value(QStringLiteral("status"))
                                   .toString();
        if (status == QLatin1String("landed") || status == QLatin1String("pending_review"))
            ++stats.completedRuns;
    }
    return stats;
}

ReadinessLine contextLine(const QString &projectDir, const LocalStats &stats)
{
    ReadinessLine line {
        QStringLiteral("context"), QStringLiteral("ktx context built"), State::Ok, {}, {}, {},
        QStringLiteral("context")};
    const int sources = stats.totalSemanticSources();
    const int pages = stats.totalWikiPages();
    const QJsonObject build
        = readSmallJson(QDir(projectDir).filePath(QStringLiteral(".ktx/setup/context-build.json")));
    const QString buildStatus = build.value(QStringLiteral("status")).toString();
    if (buildStatus == QLatin1String("failed")) {
        line.state = State::Fail;
        line.value
            = QStringLiteral("failed (%1)").arg(build.value(QStringLiteral("runId")).toString());
        line.detail = build.value(QStringLiteral("failureReason")).toString();
        line.remediation = QStringLiteral("Retry: ktx setup --project-dir %1").arg(projectDir);
        return line;
    }
    if (buildStatus == QLatin1String("completed") || stats.completedRuns > 0 || sources > 0) {
        line.value = QStringLiteral("yes");
        line.detail = count(sources, "semantic source", "semantic sources") + QStringLiteral(", ")
            + count(pages, "wiki page", "wiki pages");
        return line;
    }
    line.state = State::Warn;
    line.value = QStringLiteral("no");
    line.detail = pages > 0
        ? count(pages, "wiki page", "wiki pages") + QStringLiteral(" but no semantic sources yet")
        : QStringLiteral("no ingest has run yet");
    line.remediation
        = QStringLiteral("Add semantic sources (YAML) under semantic-layer/<connection id>/.");
    return line;
}

ReadinessLine agentsLine(const QString &projectDir)
{
    ReadinessLine line {QStringLiteral("agents"),
                        QStringLiteral("Agent integration ready"),
                        State::Skipped,
                        {},
                        {},
                        {},
                        {}};
    const QJsonObject manifest = readSmallJson(
        QDir(projectDir).filePath(QStringLiteral(".ktx/agents/install-manifest.json")));
    QStringList installs;
    for (const QJsonValue &install : manifest.value(QStringLiteral("installs")).toArray()) {
        const QJsonObject o = install.toObject();
        installs << QStringLiteral("%1:%2").arg(o.value(QStringLiteral("target")).toString(),
                                                o.value(QStringLiteral("scope")).toString());
    }
    if (installs.isEmpty()) {
        line.value = QStringLiteral("no");
        line.detail = QStringLiteral("no coding agent connected to this project yet");
        return line;
    }
    line.state = State::Ok;
    line.value = QStringLiteral("yes (%1)").arg(installs.join(QStringLiteral(", ")));
    line.detail = count(installs.size(), "install", "installs") + QStringLiteral(" recorded");
    return line;
}

} // namespace

void StatusReporter::decideVerdict(StatusReport &report, const QStringList &databases)
{
    QStringList blockers;
    QStringList partial;
    for (const ReadinessLine &line : std::as_const(report.lines)) {
        if (line.state == State::Fail)
            blockers << QStringLiteral("%1: %2").arg(line.label, line.detail);
        else if (line.state == State::Warn)
            partial << QStringLiteral("%1: %2").arg(
                line.label, line.value == QLatin1String("no") ? QStringLiteral("no") : line.detail);
    }
    for (const ConnectionStatus &s : std::as_const(report.connections))
        if (s.state != State::Ok && !databases.contains(s.name))
            partial << QStringLiteral("%1: %2").arg(s.name, s.detail);
    if (!blockers.isEmpty()) {
        report.verdict = Verdict::Blocked;
        report.verdictReason
            = QStringLiteral("Blocked — %1.").arg(blockers.join(QStringLiteral("; ")));
        report.nextActions = {QStringLiteral("ktx setup"), QStringLiteral("ktx status --json")};
    } else if (!partial.isEmpty()) {
        report.verdict = Verdict::Partial;
        report.verdictReason
            = QStringLiteral("Partially ready — %1.").arg(partial.join(QStringLiteral("; ")));
        report.nextActions = {QStringLiteral("ktx setup"), QStringLiteral("ktx status --json")};
    } else {
        report.verdict = Verdict::Ready;
        report.verdictReason = QStringLiteral("Ready.");
        report.nextActions = {QStringLiteral("ktx status --json")};
    }
}

StatusReport StatusReporter::compute(const QString &projectDirIn)
{
    QElapsedTimer timer;
    timer.start();
    StatusReport report;
    const QString projectDir = QDir::cleanPath(QDir(projectDirIn).absolutePath());
    report.projectDir = projectDir;
    report.projectName = QFileInfo(projectDir).fileName();
    report.configPath = ProjectLocator::configPath(projectDir);

    ReadinessLine dirLine {
        QStringLiteral("project_dir"), QStringLiteral("ktx project"), State::Ok, projectDir, {}, {},
        QStringLiteral("project")};
    auto loaded = ConfigLoader::loadFile(report.configPath);
    if (!loaded.ok()) {
        report.projectFound = false;
        dirLine.state = State::Fail;
        dirLine.value = QStringLiteral("none");
        dirLine.detail = QStringLiteral("No ktx project found at %1").arg(projectDir);
        dirLine.remediation
            = QStringLiteral("Create one with `ktx setup --project-dir <folder> --no-input`, or "
                             "open a folder that contains ktx.yaml.");
        report.lines << dirLine << ReadinessLine {QStringLiteral("project"),
                                                  QStringLiteral("Project ready"),
                                                  State::Fail,
                                                  QStringLiteral("no"),
                                                  QStringLiteral("ktx.yaml not found"),
                                                  dirLine.remediation,
                                                  QStringLiteral("project")};
        report.verdict = Verdict::Blocked;
        report.verdictReason = QStringLiteral("No ktx project here yet.");
        report.nextActions = {QStringLiteral("ktx setup")};
        report.elapsedMs = timer.elapsed();
        return report;
    }

    report.projectFound = true;
    const LoadedConfig &config = *loaded;
    const ProjectConfig &c = config.config;
    report.configText = config.text;
    for (const ConfigIssue &issue : config.issues)
        report.configIssues.append(
            {issue.severityName(), issue.path, issue.message, issue.fix, issue.line, issue.column});
    report.llmBackend = c.llm.backend;
    report.llmModel = c.llm.models.value(QStringLiteral("default"));
    report.embeddingsBackend = c.ingest.embeddings.backend;
    report.embeddingsModel = c.ingest.embeddings.model;
    report.embeddingsDimensions = c.ingest.embeddings.dimensions;
    report.reviewMode = c.review.mode;

    // Project
    ReadinessLine project {
        QStringLiteral("project"), QStringLiteral("Project ready"),         State::Ok,
        QStringLiteral("yes"),     QStringLiteral("ktx.yaml schema valid"), {},
        QStringLiteral("project")};
    const int errors = int(std::count_if(config.issues.cbegin(), config.issues.cend(),
                                         [](const ConfigIssue &i) { return i.isError(); }));
    if (errors > 0) {
        project.state = State::Fail;
        project.value = QStringLiteral("no");
        project.detail = QStringLiteral("ktx.yaml has ") + count(errors, "error", "errors");
        project.remediation = QStringLiteral(
            "Fix the ktx.yaml issues listed below (file, line and column are given).");
    } else if (config.warningCount() > 0) {
        project.state = State::Warn;
        project.detail = QStringLiteral("ktx.yaml schema valid · ")
            + count(config.warningCount(), "ignored field", "ignored fields");
        project.remediation
            = QStringLiteral("Delete the ignored fields from ktx.yaml when convenient.");
    } else if (!GitRepository::isRepositoryRoot(projectDir)) {
        project.state = State::Warn;
        project.detail
            = QStringLiteral("the project folder is not the root of its own git repository");
        project.remediation
            = QStringLiteral("Run `git init` in %1 so ktx can record reviewable changes.")
                  .arg(projectDir);
    }
    report.lines << dirLine << project << llmLine(c, projectDir) << embeddingsLine(c, projectDir);

    // Databases and context sources
    for (const ConnectionConfig &connection : c.connections)
        report.connections.append(connectionStatus(connection, projectDir));
    const QStringList databases = c.databaseConnectionIds();
    ReadinessLine dbLine {
        QStringLiteral("databases"), QStringLiteral("Databases configured"), State::Ok, {}, {}, {},
        QStringLiteral("databases")};
    if (databases.isEmpty()) {
        dbLine.state = State::Fail;
        dbLine.value = QStringLiteral("no");
        dbLine.detail = QStringLiteral("ktx cannot work without a database");
        dbLine.remediation = QStringLiteral(
            "Add one: `ktx setup --database sqlite --database-url <file>` (or postgres, mysql).");
    } else {
        dbLine.value = QStringLiteral("yes (%1)").arg(databases.join(QStringLiteral(", ")));
        QStringList attention;
        for (const QString &id : databases) {
            const auto it = std::find_if(report.connections.cbegin(), report.connections.cend(),
                                         [&](const ConnectionStatus &s) { return s.name == id; });
            if (it == report.connections.cend())
                attention << QStringLiteral(
                                 "%1 is listed in setup.database_connection_ids but not configured")
                                 .arg(id);
            else if (it->state != State::Ok)
                attention << QStringLiteral("%1: %2").arg(id, it->detail);
        }
        dbLine.detail = attention.isEmpty()
            ? count(databases.size(), "connection", "connections") + QStringLiteral(" configured")
            : attention.join(QStringLiteral("; "));
        if (!attention.isEmpty()) {
            dbLine.state = State::Warn;
            dbLine.remediation
                = QStringLiteral("Fix the connection settings in ktx.yaml or rerun `ktx setup`.");
        }
    }
    const QStringList sources = c.contextSourceConnectionIds();
    ReadinessLine srcLine {QStringLiteral("sources"),
                           QStringLiteral("Context sources configured"),
                           State::Ok,
                           {},
                           {},
                           {},
                           QStringLiteral("sources")};
    if (sources.isEmpty()) {
        srcLine.state = State::Skipped;
        srcLine.value = QStringLiteral("no");
        srcLine.detail = QStringLiteral(
            "optional: dbt, MetricFlow, LookML, BI tools and notes add business meaning");
    } else {
        srcLine.value = QStringLiteral("yes (%1)").arg(sources.join(QStringLiteral(", ")));
        srcLine.detail = count(sources.size(), "context source", "context sources")
            + QStringLiteral(" configured");
    }
    report.localStats = localStats(projectDir);
    report.lines << dbLine << srcLine << contextLine(projectDir, report.localStats)
                 << agentsLine(projectDir);

    // Warnings
    if (config.warningCount() > 0)
        report.warnings.append(
            {QStringLiteral("%1 in ktx.yaml %2 unknown to this version and ignored.")
                 .arg(count(config.warningCount(), "field", "fields"),
                      config.warningCount() == 1 ? QStringLiteral("is") : QStringLiteral("are")),
             QStringLiteral("Delete them from ktx.yaml when convenient.")});
    for (const QString &adapter : c.ingest.adapters) {
        const bool matched
            = adapter == QLatin1String("fake") || adapter == QLatin1String("live-database")
            ? !databases.isEmpty() || adapter == QLatin1String("fake")
            : std::any_of(c.connections.cbegin(), c.connections.cend(),
                          [&](const ConnectionConfig &cc) {
                              return cc.driver == adapter
                                  || (adapter == QLatin1String("historic-sql")
                                      && cc.driver == QLatin1String("postgres"));
                          });
        if (!matched)
            report.warnings.append(
                {QStringLiteral(
                     "Adapter \"%1\" is enabled but no matching connection is configured.")
                     .arg(adapter),
                 QStringLiteral("Remove it from ingest.adapters or add a %1 connection.")
                     .arg(adapter)});
    }
    if (c.agent.runResearchEnabled && c.llm.backend == QLatin1String("none"))
        report.warnings.append(
            {QStringLiteral("Research agent is enabled but LLM is not configured."),
             QStringLiteral("Choose an LLM backend or set agent.run_research.enabled: false.")});
    if (c.ingest.embeddings.backend == QLatin1String("none"))
        report.warnings.append({QStringLiteral("Semantic search is off (embeddings backend = "
                                               "none). Lexical/dictionary lanes still work."),
                                {}});

    decideVerdict(report, databases);
    report.elapsedMs = timer.elapsed();
    return report;
}

void StatusReporter::applyProbe(StatusReport &report, const QString &lineId, bool ok,
                                const QString &detail, const QString &remediation)
{
    QStringList databases;
    for (const ConnectionStatus &c : std::as_const(report.connections)) {
        if (ProjectConfig::warehouseDrivers().contains(c.driver))
            databases << c.name;
    }
    for (ReadinessLine &line : report.lines) {
        if (line.id != lineId)
            continue;
        // Without embeddings search still works (lexically); without a model ingest cannot enrich.
        line.state = ok                             ? ReadinessState::Ok
            : lineId == QLatin1String("embeddings") ? ReadinessState::Warn
                                                    : ReadinessState::Fail;
        if (!ok)
            line.value = QStringLiteral("no");
        line.detail = detail;
        line.remediation = remediation;
    }
    decideVerdict(report, databases);
}

} // namespace ktx
