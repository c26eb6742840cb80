#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "llm/embeddingclient.h"
#include "search/searchdocument.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

struct ProjectConfig;

// One search lane's account of a query (ktx-spec §6.7 `lanes[]`).
struct SearchLaneReport
{
    QString lane; // lexical | token | semantic
    QString status; // available | skipped | failed
    int requestedCandidatePoolLimit = 0;
    int effectiveCandidatePoolLimit = 0;
    int returnedCandidateCount = 0;
    double weight = 0;
    QString reason; // why skipped or failed

    QJsonObject toJson() const;
};

struct SearchRequest
{
    QString query;
    int limit = 10;
    QStringList kinds; // empty: every kind
    QString connectionId; // empty: every connection
    QString userId = QStringLiteral("local"); // wiki scope
};

struct SearchHit
{
    SearchDocument document;
    double score = 0;
    QStringList matchReasons; // lanes that found it: lexical, token, semantic
    QHash<QString, int> ranks; // lane -> 1-based rank in that lane
    QString snippet;
    QString matchedOn; // name | display | description | comment | expr | sample_value | body
};

struct SearchResponse
{
    QList<SearchHit> hits; // best first, at most limit
    QList<SearchLaneReport> lanes;
    int totalFound = 0; // fused candidates before the limit
    bool embeddingConfigured = false;
};

struct DictionaryMatch
{
    QString connectionId;
    QString sourceName;
    QString columnName;
    QString matchedValue;
    std::optional<qint64> cardinality;
};

struct DictionaryMiss
{
    QString connectionId;
    QString reason; // no_profile_artifact | no_candidate_columns | value_not_in_sample
};

struct DictionaryValueResult
{
    QString value;
    QList<DictionaryMatch> matches;
    QList<DictionaryMiss> misses;
};

struct DictionaryResponse
{
    QList<DictionaryCoverage> searched;
    QList<DictionaryValueResult> results;
};

// The project's search index in <project>/.ktx/db.sqlite (tables `search_*`; other
// modules keep their own tables in the same file). It indexes wiki pages,
// semantic sources with their measures and dimensions, and the tables, columns and
// sampled values of each connection's latest live-database evidence.
//
// sync() brings it up to date incrementally: a file whose size and modification
// time match what was recorded (and that was not modified within two seconds of
// being recorded, so a same-second edit is never missed) is not read; others are
// hashed, and only files whose hash changed are re-indexed; rows of removed files
// are deleted. Embeddings are computed once per text and model.
//
// search() runs the lexical (FTS5 bm25), token (term overlap) and semantic
// (cosine) lanes and fuses them by reciprocal rank. It never reads project files.
//
// Every call uses the calling thread's own SQLite connection (WAL, busy
// timeout), opened on first use and kept open for the thread's later calls, so
// one SearchIndex can serve several threads at once. search() may run a lane on
// a helper thread with that thread's own connection.
class SearchIndex
{
public:
    static constexpr int SchemaVersion = 1;
    static constexpr double LexicalWeight = 1.5;
    static constexpr double TokenWeight = 0.75;
    static constexpr double SemanticWeight = 3.0;

    struct Options
    {
        std::optional<EmbeddingClient> embeddings;
        // Why there is no client: embedding_unconfigured, or
        // embedding_unhealthy:<message> when the configuration is broken.
        QString embeddingsUnavailable = QStringLiteral("embedding_unconfigured");

        // From ingest.embeddings of ktx.yaml.
        static Options fromConfig(const ProjectConfig &config, const QString &projectDir,
                                  const QProcessEnvironment &env
                                  = QProcessEnvironment::systemEnvironment());
    };

    struct SyncStats
    {
        int filesScanned = 0;
        int filesRead = 0; // hashed because size or time changed (or new)
        int filesChanged = 0; // content changed or new
        int filesRemoved = 0;
        int unitsReindexed = 0;
        int documentsWritten = 0;
        int documentsDeleted = 0;
        int embeddingsComputed = 0;
        int embeddingsFailed = 0;
        QString embeddingError;
        QList<Error> issues; // files that could not be parsed (indexed without them)
        // refresh() found every folder as the last sync left it and read nothing.
        bool upToDate = false;
    };

    explicit SearchIndex(QString projectDir);
    SearchIndex(QString projectDir, Options options);

    QString databasePath() const;
    bool embeddingConfigured() const { return m_options.embeddings.has_value(); }

    Result<SyncStats> sync(const CancellationToken &cancel = {}) const;
    // sync() unless no folder the index reads from has changed since the last
    // sync: it compares the modification times of those folders (not of every
    // file) with the ones recorded then. A file added, removed or renamed, and
    // a file saved the usual way (a new file renamed over the old: WikiStore,
    // editors with atomic saves), changes its folder's time. A file rewritten
    // in place is not seen until its folder changes or sync() runs. Meant for
    // the many queries in a row of the tools and the CLI.
    Result<SyncStats> refresh(const CancellationToken &cancel = {}) const;
    Result<SearchResponse> search(const SearchRequest &request,
                                  const CancellationToken &cancel = {}) const;
    // Locates business values among the profiled sample values of the given
    // connections (all profiled connections when empty). Case-insensitive exact
    // match first, then containment for values of three or more characters.
    Result<DictionaryResponse> lookupValues(const QStringList &values,
                                            const QStringList &connectionIds) const;

    // Documents written over the index's life (persisted): a query or a sync of
    // an unchanged project leaves it as it was.
    Result<qint64> documentsWrittenTotal() const;

    // The candidate pool a lane is asked for, for a given result limit.
    static int candidatePoolLimit(int limit);

private:
    QString m_projectDir;
    Options m_options;
};

} // namespace ktx
