#include "project/configloader.h"

#include "project/configschema.h"
#include "project/yamldocument.h"

#include <QFile>

namespace ktx {

namespace {

// Typed reads with a fallback: a wrong value was already reported by the validator.
QString text(const YamlNode *node, const QString &fallback = {})
{
    return node && node->isScalar() && !node->isNull() ? node->text : fallback;
}
int integer(const YamlNode *node, int fallback)
{
    if (!node)
        return fallback;
    const auto v = ConfigSchema::toInteger(*node);
    return v ? int(qBound(qint64(INT_MIN), *v, qint64(INT_MAX))) : fallback;
}
double number(const YamlNode *node, double fallback)
{
    if (!node)
        return fallback;
    const auto v = ConfigSchema::toNumber(*node);
    return v ? *v : fallback;
}
bool boolean(const YamlNode *node, bool fallback)
{
    if (!node)
        return fallback;
    const auto v = ConfigSchema::toBool(*node);
    return v ? *v : fallback;
}
QStringList strings(const YamlNode *node, const QStringList &fallback = {})
{
    if (!node || !node->isSequence())
        return fallback;
    QStringList list;
    for (const YamlNode &item : node->items)
        if (item.isScalar())
            list << item.text;
    return list;
}
const YamlNode *child(const YamlNode *node, const char *key)
{
    return node && node->isMapping() ? node->find(QString::fromLatin1(key)) : nullptr;
}

QVariant toVariant(const YamlNode &node)
{
    switch (node.kind) {
    case YamlNode::Kind::Mapping: {
        QVariantMap map;
        for (const YamlEntry &entry : node.entries)
            map.insert(entry.key.text, toVariant(entry.value));
        return map;
    }
    case YamlNode::Kind::Sequence: {
        bool allScalars = true;
        QVariantList list;
        for (const YamlNode &item : node.items) {
            allScalars = allScalars && item.isScalar();
            list << toVariant(item);
        }
        if (allScalars) {
            QStringList strings;
            for (const QVariant &v : std::as_const(list))
                strings << v.toString();
            return strings;
        }
        return list;
    }
    default:
        return node.isNull() ? QVariant() : QVariant(node.text);
    }
}

ProviderEndpoint endpoint(const YamlNode *node)
{
    return {text(child(node, "api_key")), text(child(node, "base_url"))};
}

EmbeddingsConfig embeddings(const YamlNode *node)
{
    EmbeddingsConfig e;
    e.backend = text(child(node, "backend"), e.backend);
    e.model = text(child(node, "model"));
    e.dimensions = integer(child(node, "dimensions"), e.dimensions);
    e.openai = endpoint(child(node, "openai"));
    const YamlNode *st = child(node, "sentenceTransformers");
    e.sentenceTransformersBaseUrl = text(child(st, "base_url"));
    e.sentenceTransformersPathPrefix = text(child(st, "pathPrefix"));
    e.batchSize = integer(child(node, "batchSize"), 0);
    return e;
}

ProjectConfig buildConfig(const YamlNode &root)
{
    ProjectConfig c;
    if (const YamlNode *ids = child(child(&root, "setup"), "database_connection_ids");
        ids && ids->isSequence())
        c.setup.databaseConnectionIds = strings(ids);

    if (const YamlNode *connections = child(&root, "connections");
        connections && connections->isMapping()) {
        for (const YamlEntry &entry : connections->entries) {
            if (!entry.value.isMapping())
                continue;
            ConnectionConfig connection;
            connection.id = entry.key.text;
            connection.driver = text(entry.value.find(QStringLiteral("driver")));
            connection.fields = toVariant(entry.value).toMap();
            c.connections << connection;
        }
    }

    const YamlNode *storage = child(&root, "storage");
    c.storage.state = text(child(storage, "state"), c.storage.state);
    c.storage.search = text(child(storage, "search"), c.storage.search);
    c.storage.gitAuthor = text(child(child(storage, "git"), "author"), c.storage.gitAuthor);

    const YamlNode *llm = child(&root, "llm");
    const YamlNode *provider = child(llm, "provider");
    c.llm.backend = text(child(provider, "backend"), c.llm.backend);
    if (!LlmConfig::backends().contains(c.llm.backend))
        c.llm.backend = QStringLiteral("none");
    c.llm.anthropic = endpoint(child(provider, "anthropic"));
    c.llm.gateway = endpoint(child(provider, "gateway"));
    c.llm.openaiCompatible = endpoint(child(provider, "openaiCompatible"));
    const YamlNode *vertex = child(provider, "vertex");
    c.llm.hasVertexBlock = vertex && vertex->isMapping();
    c.llm.vertexProject = text(child(vertex, "project"));
    c.llm.vertexLocation = text(child(vertex, "location"));
    if (const YamlNode *models = child(llm, "models"); models && models->isMapping())
        for (const YamlEntry &entry : models->entries)
            if (LlmConfig::roles().contains(entry.key.text) && !text(&entry.value).isEmpty())
                c.llm.models.insert(entry.key.text, entry.value.text);
    const YamlNode *caching = child(llm, "promptCaching");
    if (const YamlNode *enabled = child(caching, "enabled"))
        if (const auto v = ConfigSchema::toBool(*enabled))
            c.llm.promptCaching.enabled = *v;
    c.llm.promptCaching.systemTtl = text(child(caching, "systemTtl"));
    c.llm.promptCaching.toolsTtl = text(child(caching, "toolsTtl"));
    c.llm.promptCaching.historyTtl = text(child(caching, "historyTtl"));
    c.llm.promptCaching.vertexFallbackTo5m = boolean(child(caching, "vertexFallbackTo5m"), false);

    const YamlNode *ingest = child(&root, "ingest");
    c.ingest.adapters = strings(child(ingest, "adapters"));
    c.ingest.embeddings = embeddings(child(ingest, "embeddings"));
    const YamlNode *units = child(ingest, "workUnits");
    c.ingest.stepBudget = integer(child(units, "stepBudget"), c.ingest.stepBudget);
    c.ingest.maxConcurrency = integer(child(units, "maxConcurrency"), c.ingest.maxConcurrency);
    c.ingest.failureMode = text(child(units, "failureMode"), c.ingest.failureMode);
    const YamlNode *rate = child(ingest, "rateLimit");
    c.ingest.rateLimitEnabled = boolean(child(rate, "enabled"), c.ingest.rateLimitEnabled);
    c.ingest.throttleThreshold
        = number(child(rate, "throttleThreshold"), c.ingest.throttleThreshold);
    c.ingest.minConcurrencyUnderPressure
        = integer(child(rate, "minConcurrencyUnderPressure"), c.ingest.minConcurrencyUnderPressure);
    c.ingest.maxWaitMs = integer(child(rate, "maxWaitMs"), c.ingest.maxWaitMs);
    const YamlNode *retry = child(rate, "retry");
    c.ingest.retryMaxAttempts = integer(child(retry, "maxAttempts"), c.ingest.retryMaxAttempts);
    c.ingest.retryBaseDelayMs = integer(child(retry, "baseDelayMs"), c.ingest.retryBaseDelayMs);
    c.ingest.retryMaxDelayMs = integer(child(retry, "maxDelayMs"), c.ingest.retryMaxDelayMs);
    c.ingest.retryJitter = boolean(child(retry, "jitter"), c.ingest.retryJitter);
    c.ingest.profile = text(child(ingest, "profile"), c.ingest.profile);

    const YamlNode *scan = child(&root, "scan");
    const YamlNode *enrichment = child(scan, "enrichment");
    c.scan.enrichmentMode = text(child(enrichment, "mode"), c.scan.enrichmentMode);
    if (const YamlNode *e = child(enrichment, "embeddings"); e && e->isMapping())
        c.scan.embeddings = embeddings(e);
    const YamlNode *rel = child(scan, "relationships");
    RelationshipsConfig &r = c.scan.relationships;
    r.enabled = boolean(child(rel, "enabled"), r.enabled);
    r.llmProposals = boolean(child(rel, "llmProposals"), r.llmProposals);
    r.validationRequiredForManifest
        = boolean(child(rel, "validationRequiredForManifest"), r.validationRequiredForManifest);
    r.acceptThreshold = number(child(rel, "acceptThreshold"), r.acceptThreshold);
    r.reviewThreshold = number(child(rel, "reviewThreshold"), r.reviewThreshold);
    r.maxLlmTablesPerBatch = integer(child(rel, "maxLlmTablesPerBatch"), r.maxLlmTablesPerBatch);
    r.maxCandidatesPerColumn
        = integer(child(rel, "maxCandidatesPerColumn"), r.maxCandidatesPerColumn);
    r.profileSampleRows = integer(child(rel, "profileSampleRows"), r.profileSampleRows);
    r.profileConcurrency = integer(child(rel, "profileConcurrency"), r.profileConcurrency);
    r.validationConcurrency = integer(child(rel, "validationConcurrency"), r.validationConcurrency);
    r.validationBudget = text(child(rel, "validationBudget"));
    r.detectionBudgetMs = integer(child(rel, "detectionBudgetMs"), r.detectionBudgetMs);

    const YamlNode *research = child(child(&root, "agent"), "run_research");
    c.agent.runResearchEnabled = boolean(child(research, "enabled"), c.agent.runResearchEnabled);
    c.agent.maxIterations = integer(child(research, "max_iterations"), c.agent.maxIterations);
    c.agent.defaultToolset = strings(child(research, "default_toolset"), c.agent.defaultToolset);

    c.review.mode = text(child(child(&root, "review"), "mode"));
    if (c.review.mode != QLatin1String("auto") && c.review.mode != QLatin1String("review"))
        c.review.mode.clear();
    return c;
}

} // namespace

bool LoadedConfig::hasErrors() const
{
    return std::any_of(issues.cbegin(), issues.cend(),
                       [](const ConfigIssue &i) { return i.isError(); });
}

int LoadedConfig::warningCount() const
{
    return int(std::count_if(issues.cbegin(), issues.cend(),
                             [](const ConfigIssue &i) { return !i.isError(); }));
}

Result<LoadedConfig> ConfigLoader::loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("config_unreadable"),
                         QStringLiteral("Cannot read %1: %2.").arg(path, file.errorString()),
                         QStringLiteral("Check that the file exists and that you may read it."));
    return fromText(file.readAll(), path);
}

LoadedConfig ConfigLoader::fromText(const QByteArray &text, const QString &path)
{
    LoadedConfig loaded;
    loaded.path = path;
    loaded.text = text;
    auto document = YamlDocument::parse(text, path);
    if (!document.ok()) {
        const Error &e = document.error();
        loaded.issues.append(ConfigIssue {ConfigIssue::Severity::Error, QString(),
                                          QStringLiteral("ktx.yaml parse error: %1").arg(e.message),
                                          e.hint, path, e.line, e.column});
        return loaded;
    }
    const YamlNode *root = document->root();
    if (!root || root->isNull())
        return loaded; // an empty file: every default applies
    if (!root->isMapping()) {
        loaded.issues.append(ConfigIssue {
            ConfigIssue::Severity::Error, QString(),
            QStringLiteral("ktx.yaml must contain a YAML object"),
            QStringLiteral("Start the file with top-level keys such as `connections:`."), path,
            root->start.line, root->start.column});
        return loaded;
    }
    ConfigSchema::validate(*root, path, loaded.issues);
    loaded.config = buildConfig(*root);
    return loaded;
}

} // namespace ktx
