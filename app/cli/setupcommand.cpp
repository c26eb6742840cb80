#include "setupcommand.h"

#include "clicontext.h"
#include "llm/llmsettings.h"
#include "project/configeditor.h"
#include "project/configloader.h"
#include "project/llmsetup.h"
#include "project/projectlocator.h"
#include "project/projectscaffold.h"
#include "project/secretref.h"
#include "project/setupprogress.h"
#include "serve/agentintegration.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QUrl>

namespace ktx {

namespace {

const QStringList kDatabaseDrivers
    = {QStringLiteral("sqlite"), QStringLiteral("postgres"), QStringLiteral("mysql")};

struct SetupError
{
    QString code;
    QString message;
    QString hint;
    int exitCode = ExitFailure;
};

YamlValue keyRef(const QString &envName, const QString &filePath)
{
    if (!envName.isEmpty())
        return YamlValue::string(QStringLiteral("env:") + envName);
    return YamlValue::string(QStringLiteral("file:") + QFileInfo(filePath).absoluteFilePath());
}

// A path the user typed, relative to where they typed it; kept relative to the
// project when the file lives inside it, so the project can move.
QString projectRelativePath(const QString &typed, const QString &projectDir)
{
    const QString absolute = QDir::cleanPath(QDir::current().absoluteFilePath(typed));
    const QString relative = QDir(projectDir).relativeFilePath(absolute);
    return relative.startsWith(QLatin1String("..")) ? absolute : relative;
}

// `--target a,b --target c` → {a, b, c}
QStringList splitTargets(const QStringList &values)
{
    QStringList targets;
    for (const QString &value : values) {
        for (const QString &part : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString target = part.trimmed();
            if (!targets.contains(target))
                targets << target;
        }
    }
    return targets;
}

// A path as the user sees it: relative to the project when inside it.
QString shownPath(const QString &path, const QString &projectDir)
{
    const QString relative = QDir(projectDir).relativeFilePath(path);
    return relative.startsWith(QLatin1String("..")) ? path : relative;
}

struct AgentOptions
{
    QStringList targets;
    QString scope;
    QString mode;
    QString installDir;
    QString url;
    bool writeCodexConfig = false;
    bool remove = false;
};

// Plans and applies an agent install (or removal) and prints what it did.
// Returns the exit code; `summary` gets one line per install for `ktx setup`.
int runAgents(CliContext &context, const QString &projectDir, const AgentOptions &options,
              QStringList *summary = nullptr)
{
    Result<AgentIntegrationPlan> plan = [&]() -> Result<AgentIntegrationPlan> {
        if (options.remove)
            return AgentIntegration::planRemove(projectDir, options.targets, options.scope);
        AgentIntegrationRequest request;
        request.projectDir = projectDir;
        request.installDir = options.installDir;
        request.targets = options.targets;
        request.scope = options.scope.isEmpty() ? QStringLiteral("project") : options.scope;
        request.mode = options.mode.isEmpty() ? QStringLiteral("mcp") : options.mode;
        request.url = options.url;
        request.writeCodexConfig = options.writeCodexConfig;
        request.ktxCommand = QCoreApplication::applicationFilePath();
        return AgentIntegration::planInstall(request);
    }();
    if (!plan.ok()) {
        const Error &e = plan.error();
        return context.fail(e.code, e.message, e.hint,
                            e.code == QLatin1String("usage") ? ExitUsage : ExitFailure);
    }
    Result<AgentIntegrationPlan> applied = AgentIntegration::apply(*plan);
    if (!applied.ok())
        return context.fail(applied.error().code, applied.error().message, applied.error().hint);
    const AgentIntegrationPlan &done = *applied;

    QStringList installs;
    for (const AgentInstallRecord &record : done.after.installs)
        installs << record.key();
    if (summary) {
        for (const AgentFileChange &c : done.changes) {
            if (c.action == AgentFileChange::Action::Create
                || c.action == AgentFileChange::Action::Update
                || c.action == AgentFileChange::Action::Remove)
                *summary << QStringLiteral("agents: %1 %2")
                                .arg(AgentIntegration::actionName(c.action),
                                     shownPath(c.path, projectDir));
        }
        return ExitOk;
    }

    if (context.json) {
        QJsonArray files;
        for (const AgentFileChange &c : done.changes) {
            QJsonObject file {{QStringLiteral("path"), c.path},
                              {QStringLiteral("kind"), c.kind},
                              {QStringLiteral("action"), AgentIntegration::actionName(c.action)}};
            if (!c.role.isEmpty())
                file.insert(QStringLiteral("role"), c.role);
            if (!c.note.isEmpty())
                file.insert(QStringLiteral("note"), c.note);
            files << file;
        }
        QJsonArray snippets;
        for (const AgentSnippet &snippet : done.snippets)
            snippets << QJsonObject {{QStringLiteral("target"), snippet.target},
                                     {QStringLiteral("title"), snippet.title},
                                     {QStringLiteral("text"), snippet.text}};
        context.printJson(
            QJsonObject {{QStringLiteral("ok"), true},
                         {QStringLiteral("projectDir"), projectDir},
                         {QStringLiteral("removal"), done.removal},
                         {QStringLiteral("url"), done.request.url},
                         {QStringLiteral("installs"), QJsonArray::fromStringList(installs)},
                         {QStringLiteral("files"), files},
                         {QStringLiteral("snippets"), snippets},
                         {QStringLiteral("notes"), QJsonArray::fromStringList(done.notes)},
                         {QStringLiteral("manifest"), AgentInstallManifest::filePath(projectDir)}});
        return ExitOk;
    }

    QTextStream &out = context.out();
    out << (done.removal ? "ktx setup --agents --remove · " : "ktx setup --agents · ") << projectDir
        << "\n";
    if (done.changes.isEmpty())
        out << "  Nothing to change.\n";
    for (const AgentFileChange &c : done.changes) {
        using A = AgentFileChange::Action;
        const char *mark = c.action == A::Unchanged ? "=" : c.action == A::Keep ? "!" : "✓";
        out << "  " << mark << " " << qSetFieldWidth(9) << Qt::left
            << AgentIntegration::actionName(c.action) << qSetFieldWidth(0)
            << shownPath(c.path, projectDir);
        if (!c.note.isEmpty())
            out << "  (" << c.note << ")";
        out << "\n";
    }
    out << "\nAgent integration ready: "
        << (installs.isEmpty()
                ? QStringLiteral("no")
                : QStringLiteral("yes (%1)").arg(installs.join(QStringLiteral(", "))))
        << "\n";
    for (const AgentSnippet &snippet : done.snippets) {
        out << "\n" << snippet.title << "\n";
        for (const QString &line : snippet.text.split(QLatin1Char('\n')))
            out << "    " << line << "\n";
    }
    if (!done.removal && !done.notes.isEmpty()) {
        out << "\n";
        for (const QString &note : done.notes)
            out << note << "\n";
    }
    for (const QString &note : done.removal ? done.notes : QStringList())
        out << "\n" << note << "\n";
    return ExitOk;
}

} // namespace

int SetupCommand::run(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Create or update a ktx project from flags (with --no-input). The "
                       "interactive setup is the desktop wizard: ktx-desktop --wizard."));
    const auto option = [](const QString &name, const QString &help, const QString &value = {}) {
        return QCommandLineOption(name, help, value);
    };
    const QCommandLineOption yes
        = option(QStringLiteral("yes"),
                 QStringLiteral("Create ktx files in a non-empty folder without asking."));
    const QCommandLineOption llmBackend
        = option(QStringLiteral("llm-backend"),
                 QStringLiteral(
                     "none, anthropic, vertex, gateway, openai-compatible, claude-code or codex."),
                 QStringLiteral("backend"));
    const QCommandLineOption llmModel
        = option(QStringLiteral("llm-model"),
                 QStringLiteral("Model id for every role (required for openai-compatible)."),
                 QStringLiteral("id"));
    const QCommandLineOption llmBaseUrl
        = option(QStringLiteral("llm-base-url"),
                 QStringLiteral("Base URL (gateway, openai-compatible)."), QStringLiteral("url"));
    const QCommandLineOption llmKeyEnv = option(
        QStringLiteral("llm-api-key-env"),
        QStringLiteral("Environment variable holding the API key."), QStringLiteral("NAME"));
    const QCommandLineOption llmKeyFile
        = option(QStringLiteral("llm-api-key-file"),
                 QStringLiteral("File whose first line is the API key."), QStringLiteral("path"));
    const QCommandLineOption anthropicKeyEnv = option(
        QStringLiteral("anthropic-api-key-env"),
        QStringLiteral("Environment variable holding the Anthropic key."), QStringLiteral("NAME"));
    const QCommandLineOption anthropicKeyFile = option(
        QStringLiteral("anthropic-api-key-file"),
        QStringLiteral("File whose first line is the Anthropic key."), QStringLiteral("path"));
    const QCommandLineOption vertexProject
        = option(QStringLiteral("vertex-project"), QStringLiteral("Google Cloud project (vertex)."),
                 QStringLiteral("id"));
    const QCommandLineOption vertexLocation
        = option(QStringLiteral("vertex-location"),
                 QStringLiteral("Vertex region (default us-east5)."), QStringLiteral("region"));
    const QCommandLineOption skipLlm = option(
        QStringLiteral("skip-llm"), QStringLiteral("Leave the LLM configuration as it is."));
    const QCommandLineOption embeddingBackend = option(
        QStringLiteral("embedding-backend"),
        QStringLiteral("none, openai or sentence-transformers."), QStringLiteral("backend"));
    const QCommandLineOption embeddingKeyEnv = option(
        QStringLiteral("embedding-api-key-env"),
        QStringLiteral("Environment variable holding the embeddings key."), QStringLiteral("NAME"));
    const QCommandLineOption embeddingKeyFile = option(
        QStringLiteral("embedding-api-key-file"),
        QStringLiteral("File whose first line is the embeddings key."), QStringLiteral("path"));
    const QCommandLineOption skipEmbeddings
        = option(QStringLiteral("skip-embeddings"),
                 QStringLiteral("Leave the embeddings configuration as it is."));
    const QCommandLineOption database
        = option(QStringLiteral("database"),
                 QStringLiteral("Add a database: sqlite, postgres or mysql (repeatable)."),
                 QStringLiteral("driver"));
    const QCommandLineOption databaseId = option(
        QStringLiteral("database-connection-id"),
        QStringLiteral("Connection id for each --database (repeatable)."), QStringLiteral("id"));
    const QCommandLineOption databaseUrl
        = option(QStringLiteral("database-url"),
                 QStringLiteral("SQLite file path, or a URL / env: / file: reference."),
                 QStringLiteral("url"));
    const QCommandLineOption databaseSchema = option(
        QStringLiteral("database-schema"),
        QStringLiteral("Schema to scan (repeatable; postgres, mysql)."), QStringLiteral("schema"));
    const QCommandLineOption skipDatabases
        = option(QStringLiteral("skip-databases"), QStringLiteral("Add no database."));
    const QCommandLineOption reviewMode
        = option(QStringLiteral("review-mode"),
                 QStringLiteral("How ingest runs land: auto or review."), QStringLiteral("mode"));
    const QCommandLineOption skipSources
        = option(QStringLiteral("skip-sources"), QStringLiteral("Add no context source."));
    const QCommandLineOption skipAgents
        = option(QStringLiteral("skip-agents"), QStringLiteral("Install no agent integration."));
    const QCommandLineOption agents
        = option(QStringLiteral("agents"),
                 QStringLiteral("Install agent config and instructions only (with --target)."));
    const QCommandLineOption target
        = option(QStringLiteral("target"),
                 QStringLiteral("Agent client: claude-code, codex, cursor, opencode or universal "
                                "(repeatable, or comma-separated)."),
                 QStringLiteral("target"));
    const QCommandLineOption scope
        = option(QStringLiteral("scope"),
                 QStringLiteral("Where agent config goes: project (default), user (= --global) "
                                "or local (claude-code: private section of ~/.claude.json)."),
                 QStringLiteral("scope"));
    const QCommandLineOption global = option(
        QStringLiteral("global"), QStringLiteral("Global scope; claude-code and codex only."));
    const QCommandLineOption local
        = option(QStringLiteral("local"),
                 QStringLiteral("Claude Code only: the MCP entry goes into ~/.claude.json's "
                                "section for this project."));
    const QCommandLineOption installDir
        = option(QStringLiteral("install-dir"),
                 QStringLiteral("Folder for project-scoped agent files (default: the project)."),
                 QStringLiteral("path"));
    const QCommandLineOption agentMode = QCommandLineOption(
        {QStringLiteral("agent-mode"), QStringLiteral("mode")},
        QStringLiteral("mcp (default: ask data questions over MCP) or mcp-cli (also the admin "
                       "CLI skill and rule)."),
        QStringLiteral("mode"));
    const QCommandLineOption writeCodexConfig
        = option(QStringLiteral("write-codex-config"),
                 QStringLiteral("Codex: also set [mcp_servers.ktx] in $CODEX_HOME/config.toml "
                                "(default ~/.codex), keeping the rest of the file."));
    const QCommandLineOption mcpUrl = option(
        QStringLiteral("mcp-url"),
        QStringLiteral("MCP endpoint for agent configs (default: the running server's, else "
                       "http://localhost:7878/mcp)."),
        QStringLiteral("url"));
    const QCommandLineOption remove = option(
        QStringLiteral("remove"),
        QStringLiteral("With --agents: remove what ktx installed (all targets, or --target)."));
    parser.addOptions({yes,
                       llmBackend,
                       llmModel,
                       llmBaseUrl,
                       llmKeyEnv,
                       llmKeyFile,
                       anthropicKeyEnv,
                       anthropicKeyFile,
                       vertexProject,
                       vertexLocation,
                       skipLlm,
                       embeddingBackend,
                       embeddingKeyEnv,
                       embeddingKeyFile,
                       skipEmbeddings,
                       database,
                       databaseId,
                       databaseUrl,
                       databaseSchema,
                       skipDatabases,
                       reviewMode,
                       skipSources,
                       skipAgents,
                       agents,
                       target,
                       scope,
                       global,
                       local,
                       installDir,
                       agentMode,
                       writeCodexConfig,
                       mcpUrl,
                       remove});
    if (const auto exit = context.parse(parser, QStringLiteral("setup"), args))
        return *exit;
    if (!parser.positionalArguments().isEmpty())
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("ktx setup takes no arguments (got \"%1\").")
                                .arg(parser.positionalArguments().join(QLatin1Char(' '))),
                            QStringLiteral("Pass the project folder with --project-dir."),
                            ExitUsage);

    // Agent integration flags, shared by `--agents` and the full setup.
    AgentOptions agentOptions;
    agentOptions.targets = splitTargets(parser.values(target));
    agentOptions.mode = parser.value(agentMode);
    agentOptions.installDir = parser.value(installDir);
    agentOptions.url = parser.value(mcpUrl);
    agentOptions.writeCodexConfig = parser.isSet(writeCodexConfig);
    agentOptions.remove = parser.isSet(remove);
    agentOptions.scope = parser.value(scope);
    if (parser.isSet(global) + parser.isSet(local) + parser.isSet(scope) > 1)
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("Pass one of --scope, --global and --local."), {},
                            ExitUsage);
    if (parser.isSet(global))
        agentOptions.scope = QStringLiteral("global");
    if (parser.isSet(local))
        agentOptions.scope = QStringLiteral("local");
    if (parser.isSet(installDir)
        && (agentOptions.scope == QLatin1String("global")
            || agentOptions.scope == QLatin1String("user")))
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("--install-dir cannot be combined with global scope."),
                            {}, ExitUsage);
    if (!agentOptions.installDir.isEmpty())
        agentOptions.installDir = QDir::current().absoluteFilePath(agentOptions.installDir);
    if (parser.isSet(remove) && !parser.isSet(agents))
        return context.fail(QStringLiteral("usage"), QStringLiteral("--remove needs --agents."),
                            QStringLiteral("Run `ktx setup --agents --remove [--target <t>]`."),
                            ExitUsage);

    if (parser.isSet(agents)) {
        // Needs no prompts: targets come from flags, the wizard page is the interactive path.
        const ProjectLocator::Resolution where = ProjectLocator::resolve(context.projectDirFlag);
        if (!where.hasConfig)
            return context.fail(
                QStringLiteral("project_missing"),
                QStringLiteral("No ktx project found at %1.").arg(where.dir),
                QStringLiteral("Pass --project-dir <folder>, or create one with `ktx setup "
                               "--no-input`."));
        if (agentOptions.targets.isEmpty() && !agentOptions.remove)
            return context.fail(
                QStringLiteral("usage"), QStringLiteral("Run in a TTY, or pass --target <target>."),
                QStringLiteral("Targets: %1. The desktop wizard's Agents page asks instead.")
                    .arg(AgentIntegration::targets().join(QStringLiteral(", "))),
                ExitUsage);
        return runAgents(context, where.dir, agentOptions);
    }
    if (!context.noInput)
        return context.fail(QStringLiteral("interactive_unavailable"),
                            QStringLiteral("Interactive setup runs in the desktop app."),
                            QStringLiteral("Open it with `ktx-desktop --wizard`, or pass "
                                           "--no-input with flags (see `ktx setup --help`)."),
                            ExitUsage);

    // Validate choices before touching anything.
    const auto checkChoice
        = [&](const QCommandLineOption &opt, const QStringList &choices) -> std::optional<int> {
        if (parser.isSet(opt) && !choices.contains(parser.value(opt)))
            return context.fail(
                QStringLiteral("usage"),
                QStringLiteral("--%1: invalid choice '%2'")
                    .arg(opt.names().constFirst(), parser.value(opt)),
                QStringLiteral("Choose one of: %1.").arg(choices.join(QStringLiteral(", "))),
                ExitUsage);
        return std::nullopt;
    };
    if (auto e = checkChoice(llmBackend, LlmConfig::backends()))
        return *e;
    if (auto e = checkChoice(embeddingBackend,
                             {QStringLiteral("none"), QStringLiteral("openai"),
                              QStringLiteral("sentence-transformers")}))
        return *e;
    if (auto e = checkChoice(reviewMode, {QStringLiteral("auto"), QStringLiteral("review")}))
        return *e;
    for (const QString &driver : parser.values(database))
        if (!kDatabaseDrivers.contains(driver))
            return context.fail(QStringLiteral("usage"),
                                QStringLiteral("--database: invalid choice '%1'").arg(driver),
                                QStringLiteral("Choose one of: %1.")
                                    .arg(kDatabaseDrivers.join(QStringLiteral(", "))),
                                ExitUsage);
    if (parser.isSet(llmKeyEnv) && parser.isSet(llmKeyFile))
        return context.fail(
            QStringLiteral("usage"),
            QStringLiteral("Pass either --llm-api-key-env or --llm-api-key-file, not both."), {},
            ExitUsage);
    if (parser.isSet(anthropicKeyEnv) && parser.isSet(anthropicKeyFile))
        return context.fail(
            QStringLiteral("usage"),
            QStringLiteral(
                "Pass either --anthropic-api-key-env or --anthropic-api-key-file, not both."),
            {}, ExitUsage);
    if (parser.values(database).size() > 1 && parser.isSet(databaseUrl))
        return context.fail(
            QStringLiteral("usage"),
            QStringLiteral("--database-url describes one connection; pass one --database with it."),
            {}, ExitUsage);

    const ProjectLocator::Resolution where = ProjectLocator::resolve(context.projectDirFlag);
    const QString dir = where.dir;
    QStringList changes;
    bool created = false;
    if (!where.hasConfig) {
        ProjectScaffold::Options options;
        options.allowNonEmpty = parser.isSet(yes);
        if (Result<void> r = ProjectScaffold::create(dir, options); !r.ok())
            return context.fail(r.error().code, r.error().message, r.error().hint);
        created = true;
        changes << QStringLiteral("created project at %1").arg(dir);
    }

    auto opened = ConfigEditor::open(dir);
    if (!opened.ok())
        return context.fail(opened.error().code, opened.error().message, opened.error().hint);
    ConfigEditor &editor = opened.value();
    const LoadedConfig current = ConfigLoader::fromText(editor.text());
    SetupProgress progress = SetupProgress::load(dir);
    progress.markCompleted(QStringLiteral("project"));

    std::optional<SetupError> failure;
    const auto apply = [&](const QStringList &path, const YamlValue &value) {
        if (failure)
            return;
        if (Result<void> r = editor.set(path, value); !r.ok())
            failure = SetupError {r.error().code, r.error().message, r.error().hint};
    };

    // LLM
    if (parser.isSet(llmBackend) && !parser.isSet(skipLlm)) {
        const QString backend = parser.value(llmBackend);
        const QString keyEnv = parser.isSet(anthropicKeyEnv) ? parser.value(anthropicKeyEnv)
                                                             : parser.value(llmKeyEnv);
        const QString keyFile = parser.isSet(anthropicKeyFile) ? parser.value(anthropicKeyFile)
                                                               : parser.value(llmKeyFile);
        if (!keyFile.isEmpty() && !QFileInfo(keyFile).isReadable())
            failure
                = SetupError {QStringLiteral("secret_missing"),
                              QStringLiteral("Cannot read the key file %1.").arg(keyFile),
                              QStringLiteral("Pass a readable file whose first line is the key.")};
        LlmSetupChoice choice;
        choice.backend = backend;
        const bool singleModel = backend == QLatin1String("openai-compatible");
        // openai-compatible uses the one --llm-model for every role; elsewhere it
        // replaces only the default of the backend's preset.
        choice.models
            = LlmSettings::presetModels(backend, singleModel ? parser.value(llmModel) : QString());
        if (parser.isSet(llmModel) && !singleModel)
            choice.models.insert(QStringLiteral("default"), parser.value(llmModel));
        if (!keyEnv.isEmpty() || !keyFile.isEmpty())
            choice.apiKeyRef = keyRef(keyEnv, keyFile).scalarText();
        if (backend == QLatin1String("anthropic")) {
            if (keyEnv.isEmpty() && keyFile.isEmpty()
                && qEnvironmentVariableIsEmpty("ANTHROPIC_API_KEY"))
                failure = SetupError {
                    QStringLiteral("usage"),
                    QStringLiteral("Missing Anthropic API key: pass --anthropic-api-key-env or "
                                   "--anthropic-api-key-file"),
                    {},
                    ExitUsage};
        } else if (backend == QLatin1String("vertex")) {
            if (!parser.isSet(vertexProject))
                failure
                    = SetupError {QStringLiteral("usage"),
                                  QStringLiteral("Missing Vertex project: pass --vertex-project"),
                                  {},
                                  ExitUsage};
            choice.vertexProject = parser.value(vertexProject);
            choice.vertexLocation = parser.value(vertexLocation);
        } else if (backend == QLatin1String("gateway")
                   || backend == QLatin1String("openai-compatible")) {
            if (!parser.isSet(llmBaseUrl))
                failure = SetupError {
                    QStringLiteral("usage"),
                    QStringLiteral("Missing --llm-base-url for backend %1").arg(backend),
                    {},
                    ExitUsage};
            if (backend == QLatin1String("openai-compatible") && !parser.isSet(llmModel))
                failure = SetupError {
                    QStringLiteral("usage"),
                    QStringLiteral("Missing --llm-model for backend openai-compatible"),
                    {},
                    ExitUsage};
            choice.baseUrl = parser.value(llmBaseUrl);
        } else {
            // The agent CLIs and none take no key: a stray --llm-api-key-* is ignored.
            choice.apiKeyRef.clear();
        }
        // The same writer as the wizard's model page (runtime/project/llmsetup.h).
        if (!failure) {
            if (Result<void> r = LlmSetup::write(editor, choice); !r.ok())
                failure = SetupError {r.error().code, r.error().message, r.error().hint};
        }
        progress.markCompleted(QStringLiteral("llm"));
        changes << QStringLiteral("LLM backend: %1").arg(backend);
    }

    // Embeddings
    if (parser.isSet(embeddingBackend) && !parser.isSet(skipEmbeddings) && !failure) {
        const QString backend = parser.value(embeddingBackend);
        YamlValue block
            = YamlValue::mapping().insert(QStringLiteral("backend"), YamlValue::string(backend));
        if (backend == QLatin1String("openai")) {
            block.insert(QStringLiteral("model"),
                         YamlValue::string(QStringLiteral("text-embedding-3-small")));
            block.insert(QStringLiteral("dimensions"), YamlValue::integer(1536));
            const QString env = parser.isSet(embeddingKeyEnv) ? parser.value(embeddingKeyEnv)
                                                              : QStringLiteral("OPENAI_API_KEY");
            block.insert(
                QStringLiteral("openai"),
                YamlValue::mapping().insert(QStringLiteral("api_key"),
                                            keyRef(parser.isSet(embeddingKeyFile) ? QString() : env,
                                                   parser.value(embeddingKeyFile))));
        } else if (backend == QLatin1String("sentence-transformers")) {
            block.insert(QStringLiteral("model"),
                         YamlValue::string(QStringLiteral("all-MiniLM-L6-v2")));
            block.insert(QStringLiteral("dimensions"), YamlValue::integer(384));
            block.insert(QStringLiteral("sentenceTransformers"),
                         YamlValue::mapping()
                             .insert(QStringLiteral("base_url"),
                                     YamlValue::string(QStringLiteral("http://127.0.0.1:8765")))
                             .insert(QStringLiteral("pathPrefix"), YamlValue::string(QString())));
        }
        apply({QStringLiteral("ingest"), QStringLiteral("embeddings")}, block);
        progress.markCompleted(QStringLiteral("embeddings"));
        changes << QStringLiteral("embeddings backend: %1").arg(backend);
    }

    // Databases
    const QStringList drivers = parser.values(database);
    const QStringList ids = parser.values(databaseId);
    if (!parser.isSet(skipDatabases) && !failure) {
        for (int i = 0; i < drivers.size() && !failure; ++i) {
            const QString driver = drivers[i];
            QString id = i < ids.size() ? ids[i] : QString();
            if (id.isEmpty()) {
                id = current.config.connections.isEmpty() && i == 0 ? QStringLiteral("warehouse")
                                                                    : driver;
                for (int n = 2; current.config.connection(id)
                     && current.config.connection(id)->driver != driver;
                     ++n)
                    id = QStringLiteral("%1_%2").arg(driver).arg(n);
            }
            const ConnectionConfig *existing = current.config.connection(id);
            YamlValue fields
                = YamlValue::mapping().insert(QStringLiteral("driver"), YamlValue::string(driver));
            const QString url = parser.value(databaseUrl);
            if (driver == QLatin1String("sqlite")) {
                if (url.isEmpty() && !existing) {
                    failure = SetupError {
                        QStringLiteral("usage"),
                        QStringLiteral("--database sqlite needs --database-url <file>"),
                        {},
                        ExitUsage};
                    break;
                }
                if (!url.isEmpty()) {
                    QString path = url.startsWith(QLatin1String("sqlite:///")) ? url.mid(9) : url;
                    if (!path.startsWith(QLatin1String("env:"))) {
                        if (!QFileInfo(QDir::current().absoluteFilePath(path)).isFile()) {
                            failure = SetupError {
                                QStringLiteral("database_missing"),
                                QStringLiteral("SQLite file not found: %1").arg(path),
                                QStringLiteral(
                                    "Pass the path of an existing SQLite database file.")};
                            break;
                        }
                        path = projectRelativePath(path, dir);
                    }
                    fields.insert(QStringLiteral("path"), YamlValue::string(path));
                }
            } else {
                if (!url.isEmpty()) {
                    QString ref = url;
                    if (!url.startsWith(QLatin1String("env:"))
                        && !url.startsWith(QLatin1String("file:"))) {
                        // A literal URL may carry a password: keep it out of ktx.yaml.
                        auto stored = SecretStore::store(dir, id + QStringLiteral("-url"), url);
                        if (!stored.ok()) {
                            failure = SetupError {stored.error().code, stored.error().message,
                                                  stored.error().hint};
                            break;
                        }
                        ref = *stored;
                    }
                    fields.insert(QStringLiteral("url"), YamlValue::string(ref));
                } else if (!existing) {
                    failure = SetupError {
                        QStringLiteral("usage"),
                        QStringLiteral(
                            "--database %1 needs --database-url (a URL, env:NAME or file:PATH)")
                            .arg(driver),
                        {},
                        ExitUsage};
                    break;
                }
                const QStringList schemas = parser.values(databaseSchema);
                if (!schemas.isEmpty())
                    fields.insert(QStringLiteral("schemas"), YamlValue::stringList(schemas));
                else if (!existing || !existing->fields.contains(QStringLiteral("schemas"))) {
                    failure = SetupError {
                        QStringLiteral("usage"),
                        QStringLiteral("%1 needs a scope: pass --database-schema (config key "
                                       "connections.%2.schemas).")
                            .arg(driver, id),
                        QStringLiteral("ktx never scans every schema without being asked."),
                        ExitUsage};
                    break;
                }
            }
            if (Result<void> r = editor.setConnection(id, fields); !r.ok())
                failure = SetupError {r.error().code, r.error().message, r.error().hint};
            else
                changes << QStringLiteral("connection %1 (%2)").arg(id, driver);
        }
        if (!drivers.isEmpty() && !failure)
            progress.markCompleted(QStringLiteral("databases"));
    }

    if (parser.isSet(reviewMode) && !failure) {
        apply({QStringLiteral("review"), QStringLiteral("mode")},
              YamlValue::string(parser.value(reviewMode)));
        changes << QStringLiteral("review mode: %1").arg(parser.value(reviewMode));
    }

    if (failure)
        return context.fail(failure->code, failure->message, failure->hint, failure->exitCode);
    const bool modified = editor.isModified();
    if (Result<void> r = editor.saveAndCommit(); !r.ok())
        return context.fail(r.error().code, r.error().message, r.error().hint);
    if (!agentOptions.targets.isEmpty() && !parser.isSet(skipAgents)) {
        if (const int code = runAgents(context, dir, agentOptions, &changes); code != ExitOk)
            return code;
        progress.markCompleted(QStringLiteral("agents"));
    }
    if (Result<void> r = progress.save(dir); !r.ok())
        return context.fail(r.error().code, r.error().message, r.error().hint);

    if (context.json) {
        context.printJson(
            QJsonObject {{QStringLiteral("ok"), true},
                         {QStringLiteral("projectDir"), dir},
                         {QStringLiteral("created"), created},
                         {QStringLiteral("configChanged"), modified},
                         {QStringLiteral("changes"), QJsonArray::fromStringList(changes)},
                         {QStringLiteral("completedSteps"),
                          QJsonArray::fromStringList(progress.completedSteps)}});
    } else {
        context.out() << "ktx setup · " << dir << "\n";
        if (changes.isEmpty())
            context.out() << "  Nothing to change.\n";
        for (const QString &change : changes)
            context.out() << "  ✓ " << change << "\n";
        context.out() << "\nNext: ktx status --project-dir " << dir << "\n";
    }
    return ExitOk;
}

} // namespace ktx
