#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <optional>

namespace ktx {

// The typed model of ktx.yaml (see the original's reference, section 3). Every
// block is optional; defaults here are the original's defaults.

// Kinds of connections: warehouses we query, and context sources we read.
enum class ConnectionKind { Warehouse, ContextSource, Unknown };

struct ConnectionConfig
{
    QString id;
    QString driver;
    // Every field as written: connections are open objects, and fields we do not
    // model are passed through to the connector. Scalars are QString, lists
    // QStringList/QVariantList, mappings QVariantMap.
    QVariantMap fields;

    QString field(const QString &name) const { return fields.value(name).toString(); }
    ConnectionKind kind() const;
};

struct ProviderEndpoint
{
    QString apiKey; // a secret reference or literal
    QString baseUrl;
};

struct PromptCachingConfig
{
    std::optional<bool> enabled; // unset: the backend's default
    QString systemTtl; // 5m | 1h
    QString toolsTtl;
    QString historyTtl;
    bool vertexFallbackTo5m = false;
};

struct LlmConfig
{
    QString backend = QStringLiteral("none");
    ProviderEndpoint anthropic;
    ProviderEndpoint gateway;
    ProviderEndpoint openaiCompatible;
    QString vertexProject;
    QString vertexLocation;
    bool hasVertexBlock = false;
    QMap<QString, QString> models; // role -> model id
    PromptCachingConfig promptCaching;

    // llm.models.<role>, else llm.models.default; empty when neither is set.
    QString modelFor(const QString &role) const;
    static const QStringList &
    roles(); // default, triage, candidateExtraction, curator, reconcile, repair
    static const QStringList &backends();
};

struct EmbeddingsConfig
{
    QString backend = QStringLiteral("none"); // none | openai | sentence-transformers
    QString model;
    int dimensions = 8;
    ProviderEndpoint openai;
    QString sentenceTransformersBaseUrl;
    QString sentenceTransformersPathPrefix;
    int batchSize = 0; // 0: backend default
};

struct IngestConfig
{
    QStringList adapters;
    EmbeddingsConfig embeddings;
    int stepBudget = 40;
    int maxConcurrency = 1;
    QString failureMode = QStringLiteral("continue"); // abort | continue
    bool rateLimitEnabled = true;
    double throttleThreshold = 0.8;
    int minConcurrencyUnderPressure = 1;
    int maxWaitMs = 0; // 0: no cap
    int retryMaxAttempts = 6;
    int retryBaseDelayMs = 1000;
    int retryMaxDelayMs = 60000;
    bool retryJitter = true;
    QString profile = QStringLiteral("false"); // false | true | json
};

struct RelationshipsConfig
{
    bool enabled = true;
    bool llmProposals = true;
    bool validationRequiredForManifest = true;
    double acceptThreshold = 0.85;
    double reviewThreshold = 0.55;
    int maxLlmTablesPerBatch = 40;
    int maxCandidatesPerColumn = 25;
    int profileSampleRows = 10000;
    int profileConcurrency = 4;
    int validationConcurrency = 4;
    QString validationBudget; // "all", a number, or empty (runtime default)
    int detectionBudgetMs = 600000;
};

struct ScanConfig
{
    QString enrichmentMode = QStringLiteral("none"); // none | deterministic | llm
    std::optional<EmbeddingsConfig> embeddings;
    RelationshipsConfig relationships;
};

struct StorageConfig
{
    QString state = QStringLiteral("sqlite");
    QString search = QStringLiteral("sqlite-fts5");
    QString gitAuthor = QStringLiteral("ktx <ktx@example.com>");
};

struct AgentConfig
{
    bool runResearchEnabled = false;
    int maxIterations = 20;
    QStringList defaultToolset = {QStringLiteral("sl_query"), QStringLiteral("wiki_search"),
                                  QStringLiteral("sl_read_source")};
};

// Ours (the original has no review step): how finished ingest runs land.
struct ReviewConfig
{
    QString mode; // auto | review; empty: the front-end's default (CLI auto, desktop review)
};

struct SetupConfig
{
    std::optional<QStringList> databaseConnectionIds;
};

struct ProjectConfig
{
    SetupConfig setup;
    QList<ConnectionConfig> connections; // in file order
    StorageConfig storage;
    LlmConfig llm;
    IngestConfig ingest;
    ScanConfig scan;
    AgentConfig agent;
    ReviewConfig review;

    const ConnectionConfig *connection(const QString &id) const;
    // setup.database_connection_ids, or every warehouse connection when unset.
    QStringList databaseConnectionIds() const;
    QStringList contextSourceConnectionIds() const;

    static const QStringList &warehouseDrivers();
    static const QStringList &contextSourceDrivers();
};

} // namespace ktx
