#include "search/searchindex.h"

#include "ingest/livedatabaseevidence.h"
#include "llm/requestgovernor.h"
#include "project/projectconfig.h"
#include "search/reciprocalrankfusion.h"
#include "search/searchdocumentbuilder.h"
#include "search/searchterms.h"
#include "semantic/sourceloader.h"
#include "wiki/wikipage.h"
#include "wiki/wikistore.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSemaphore>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <vector>

#include <sys/stat.h>

namespace ktx {

namespace {

std::atomic<quint64> g_connectionCounter {0};

// A file written this close to when we recorded it may change again within the
// same timestamp; such files are re-hashed on the next sync.
constexpr qint64 kRacyWindowMs = 2000;
// After a failed embeddings call, syncs without new documents wait this long
// before trying again, so a dead server does not slow every query down.
constexpr qint64 kEmbeddingRetryMs = 60000;
constexpr int kMaxPool = 250;

Error dbError(const QString &what, const QSqlError &error)
{
    return makeError(QStringLiteral("search.database"),
                     QStringLiteral("Search index: %1 failed: %2").arg(what, error.text()),
                     QStringLiteral("The index in .ktx/db.sqlite is derived state; deleting "
                                    "its search_* tables (or the file) rebuilds it."));
}

// Qt binds a null QString as SQL NULL; our text columns are NOT NULL and '' means "none".
QVariant bindable(const QVariant &value)
{
    if (value.typeId() == QMetaType::QString && value.toString().isNull())
        return QString::fromLatin1("");
    return value;
}

// One SQLite connection, used only in the thread that opened it.
class Connection
{
public:
    explicit Connection(const QString &path)
        : m_name(QStringLiteral("ktx_search_%1").arg(++g_connectionCounter))
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        if (!db.open())
            m_error = dbError(QStringLiteral("opening %1").arg(path), db.lastError());
    }
    ~Connection()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }
    const std::optional<Error> &error() const { return m_error; }

    Result<void> exec(const QString &sql, const QVariantList &binds = {}) const
    {
        QSqlQuery q(db());
        if (!q.prepare(sql))
            return dbError(sql.left(60), q.lastError());
        for (const QVariant &b : binds)
            q.addBindValue(bindable(b));
        if (!q.exec())
            return dbError(sql.left(60), q.lastError());
        return {};
    }

private:
    QString m_name;
    std::optional<Error> m_error;
};

// The device and inode of a file, empty when it does not exist: a database
// file deleted (or replaced) under an open connection must not be read from.
QByteArray fileIdentity(const QString &path)
{
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return QByteArray::number(quint64(st.st_dev)) + ':' + QByteArray::number(quint64(st.st_ino));
}

// This thread's open connections, one per database file, kept from one call to
// the next: opening SQLite and reading its schema cost as much as a small query,
// and the tools and the CLI search many times in a row. A connection is only
// ever used by the thread that opened it, so one SearchIndex still serves
// several threads at once; each connection closes when its thread ends.
class ThreadConnections
{
public:
    // nullptr with *error set when the database cannot be opened.
    const Connection *get(const QString &path, std::optional<Error> *error)
    {
        if (!m_cleanupRegistered) {
            m_cleanupRegistered = true;
            // The main thread's thread_local objects are destroyed after the
            // QCoreApplication, when closing a Qt SQL connection is no longer
            // safe: close them with the application instead.
            const QCoreApplication *app = QCoreApplication::instance();
            if (app && app->thread() == QThread::currentThread())
                qAddPostRoutine(&closeMainThreadConnections);
        }
        for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
            if (it->path != path)
                continue;
            if (fileIdentity(path) == it->identity) {
                // Most recently used last; the oldest is evicted first.
                std::rotate(it, it + 1, m_entries.end());
                return m_entries.back().connection.get();
            }
            m_entries.erase(it);
            break;
        }
        auto connection = std::make_unique<Connection>(path);
        if (connection->error()) {
            *error = connection->error();
            return nullptr;
        }
        if (m_entries.size() >= kMaxEntries)
            m_entries.erase(m_entries.begin());
        m_entries.push_back(Entry {path, fileIdentity(path), std::move(connection)});
        return m_entries.back().connection.get();
    }

    void clear() { m_entries.clear(); }

private:
    static void closeMainThreadConnections();

    static constexpr size_t kMaxEntries = 4;
    bool m_cleanupRegistered = false;
    struct Entry
    {
        QString path;
        QByteArray identity;
        std::unique_ptr<Connection> connection;
    };
    std::vector<Entry> m_entries;
};

thread_local ThreadConnections t_connections;

// Runs in the thread that destroys the QCoreApplication: the main thread.
void ThreadConnections::closeMainThreadConnections()
{
    t_connections.clear();
}

// A connection for one call: the application thread's kept one, or, in any
// other thread, one of its own closed when the call ends. Other threads do
// not keep theirs: a thread_local closed after its QThread has finished (or
// after the application is gone) would tear down Qt SQL state from a thread
// Qt no longer knows, which corrupts the heap at exit.
struct ConnectionLease
{
    std::unique_ptr<Connection> owned;
    const Connection *connection = nullptr;
};

ConnectionLease leaseConnection(const QString &path, std::optional<Error> *error)
{
    ConnectionLease lease;
    const QCoreApplication *app = QCoreApplication::instance();
    if (app && app->thread() == QThread::currentThread()) {
        lease.connection = t_connections.get(path, error);
        return lease;
    }
    lease.owned = std::make_unique<Connection>(path);
    if (lease.owned->error()) {
        *error = lease.owned->error();
        lease.owned.reset();
        return lease;
    }
    lease.connection = lease.owned.get();
    return lease;
}

// Threads that run a query's token lane beside its lexical lane, or nullptr
// once the application object is gone. They never expire (an expiring thread
// would close its connection at an arbitrary time, possibly during exit); the
// pool is deleted, joining them and closing their connections, when the
// QCoreApplication is destroyed.
std::atomic<QThreadPool *> g_lanePool {nullptr};

QThreadPool *lanePool()
{
    static std::once_flag once;
    std::call_once(once, [] {
        auto *pool = new QThreadPool;
        pool->setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
        pool->setExpiryTimeout(-1);
        g_lanePool = pool;
        if (QCoreApplication::instance())
            qAddPostRoutine([] { delete g_lanePool.exchange(nullptr); });
    });
    return g_lanePool.load();
}

// Rolls back unless committed.
class Transaction
{
public:
    explicit Transaction(const Connection &c)
        : m_c(c)
    { }
    ~Transaction()
    {
        if (m_open)
            (void)m_c.exec(QStringLiteral("ROLLBACK"));
    }
    Result<void> begin()
    {
        // IMMEDIATE: take the write lock now, so two syncs never deadlock on upgrade.
        Result<void> r = m_c.exec(QStringLiteral("BEGIN IMMEDIATE"));
        m_open = r.ok();
        return r;
    }
    Result<void> commit()
    {
        m_open = false;
        return m_c.exec(QStringLiteral("COMMIT"));
    }

private:
    const Connection &m_c;
    bool m_open = false;
};

const QStringList &schemaStatements()
{
    static const QStringList statements {
        QStringLiteral("CREATE TABLE IF NOT EXISTS search_meta(key TEXT PRIMARY KEY, value TEXT "
                       "NOT NULL)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS search_files(path TEXT PRIMARY KEY, unit TEXT "
                       "NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL, hash TEXT NOT "
                       "NULL, verified_at INTEGER NOT NULL)"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS search_documents(id INTEGER PRIMARY KEY, doc_key TEXT NOT "
            "NULL UNIQUE, unit TEXT NOT NULL, kind TEXT NOT NULL, ref_id TEXT NOT NULL, "
            "connection_id TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '', summary TEXT "
            "NOT NULL DEFAULT '', search_text TEXT NOT NULL DEFAULT '', fields TEXT NOT NULL "
            "DEFAULT '{}', scope TEXT NOT NULL DEFAULT '', user_id TEXT NOT NULL DEFAULT '', path "
            "TEXT NOT NULL DEFAULT '', connections TEXT NOT NULL DEFAULT '', table_ref TEXT NOT "
            "NULL DEFAULT '', column_name TEXT NOT NULL DEFAULT '', table_name TEXT NOT NULL "
            "DEFAULT '', content_hash TEXT NOT NULL, embed_hash TEXT NOT NULL)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS search_documents_unit ON "
                       "search_documents(unit)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS search_documents_wiki ON "
                       "search_documents(kind, user_id, ref_id)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS search_documents_embed ON "
                       "search_documents(embed_hash)"),
        QStringLiteral("CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, "
                       "tokenize = 'unicode61 remove_diacritics 2')"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS search_embeddings(embed_hash TEXT NOT NULL, "
                       "model TEXT NOT NULL, dims INTEGER NOT NULL, vector BLOB NOT NULL, "
                       "PRIMARY KEY(embed_hash, model))"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS search_dictionary(unit TEXT NOT NULL, "
                       "connection_id TEXT NOT NULL, table_path TEXT NOT NULL, table_name TEXT "
                       "NOT NULL, column_name TEXT NOT NULL, value TEXT NOT NULL, value_lower "
                       "TEXT NOT NULL, cardinality INTEGER)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS search_dictionary_value ON "
                       "search_dictionary(connection_id, value_lower)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS search_dictionary_unit ON "
                       "search_dictionary(unit)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS search_dictionary_coverage(connection_id TEXT "
                       "PRIMARY KEY, unit TEXT NOT NULL, sampled_rows INTEGER, values_per_column "
                       "INTEGER, profiled_columns INTEGER NOT NULL, sync_id TEXT, profiled_at "
                       "TEXT, status TEXT NOT NULL)"),
    };
    return statements;
}

const QStringList &schemaTables()
{
    static const QStringList tables {
        QStringLiteral("search_files"),      QStringLiteral("search_documents"),
        QStringLiteral("search_fts"),        QStringLiteral("search_embeddings"),
        QStringLiteral("search_dictionary"), QStringLiteral("search_dictionary_coverage"),
        QStringLiteral("search_meta")};
    return tables;
}

std::optional<QString> metaValue(const Connection &c, const QString &key)
{
    QSqlQuery q(c.db());
    q.prepare(QStringLiteral("SELECT value FROM search_meta WHERE key = ?"));
    q.addBindValue(key);
    if (q.exec() && q.next())
        return q.value(0).toString();
    return std::nullopt;
}

Result<void> setMeta(const Connection &c, const QString &key, const QString &value)
{
    return c.exec(QStringLiteral("INSERT INTO search_meta(key, value) VALUES(?, ?) ON "
                                 "CONFLICT(key) DO UPDATE SET value = excluded.value"),
                  {key, value});
}

// Creates the tables when missing; a different schema version is rebuilt (the
// index is derived state).
Result<void> ensureSchema(const Connection &c)
{
    if (metaValue(c, QStringLiteral("schema_version"))
        == QString::number(SearchIndex::SchemaVersion))
        return {};
    {
        QSqlQuery wal(c.db());
        // WAL: readers in other threads and processes never wait for a sync.
        if (!wal.exec(QStringLiteral("PRAGMA journal_mode = WAL")))
            return dbError(QStringLiteral("PRAGMA journal_mode"), wal.lastError());
    }
    Transaction t(c);
    if (Result<void> r = t.begin(); !r)
        return r;
    // Another process may have created it while we waited for the lock.
    const std::optional<QString> version = metaValue(c, QStringLiteral("schema_version"));
    if (version == QString::number(SearchIndex::SchemaVersion))
        return t.commit();
    if (version) {
        for (const QString &table : schemaTables()) {
            if (Result<void> r = c.exec(QStringLiteral("DROP TABLE IF EXISTS ") + table); !r)
                return r;
        }
    }
    for (const QString &statement : schemaStatements()) {
        if (Result<void> r = c.exec(statement); !r)
            return r;
    }
    if (Result<void> r
        = setMeta(c, QStringLiteral("schema_version"), QString::number(SearchIndex::SchemaVersion));
        !r)
        return r;
    return t.commit();
}

QByteArray sha256(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

QByteArray embedHash(const QString &text)
{
    return sha256(text.toUtf8());
}

QString embeddingModelKey(const EmbeddingClient &client)
{
    return client.settings().model + QLatin1Char('/')
        + QString::number(client.settings().dimensions);
}

QByteArray packVector(const QVector<float> &v)
{
    return QByteArray(reinterpret_cast<const char *>(v.constData()),
                      qsizetype(v.size() * sizeof(float)));
}

double cosine(const QVector<float> &a, const QByteArray &packed)
{
    const qsizetype n = packed.size() / qsizetype(sizeof(float));
    if (n != a.size() || n == 0)
        return 0;
    const float *b = reinterpret_cast<const float *>(packed.constData());
    double dot = 0, na = 0, nb = 0;
    for (qsizetype i = 0; i < n; ++i) {
        dot += double(a[i]) * b[i];
        na += double(a[i]) * a[i];
        nb += double(b[i]) * b[i];
    }
    if (na <= 0 || nb <= 0)
        return 0;
    return dot / (std::sqrt(na) * std::sqrt(nb));
}

struct InputFile
{
    QString rel;
    QString abs;
    QString unit;
    qint64 size = 0;
    qint64 mtime = 0;
};

struct StoredFile
{
    QString unit;
    qint64 size = 0;
    qint64 mtime = 0;
    QByteArray hash;
    qint64 verifiedAt = 0;
};

void addFile(QList<InputFile> &out, const QDir &root, const QFileInfo &info, const QString &unit)
{
    out << InputFile {root.relativeFilePath(info.filePath()), info.filePath(), unit, info.size(),
                      info.lastModified().toMSecsSinceEpoch()};
}

// Every file the index reads, each with the unit it is indexed by: a wiki page
// alone; a semantic-layer file alone unless its connection has a `_schema/`
// manifest (overlays compose onto it, so the folder is one unit); a
// connection's latest evidence folder as one unit.
QList<InputFile> collectInputs(const QString &projectDir)
{
    QList<InputFile> out;
    const QDir root(projectDir);

    const QFileInfoList globals = QDir(root.filePath(QStringLiteral("wiki/global")))
                                      .entryInfoList({QStringLiteral("*.md")}, QDir::Files);
    for (const QFileInfo &info : globals) {
        if (WikiStore::isValidKey(info.completeBaseName()))
            addFile(out, root, info, root.relativeFilePath(info.filePath()));
    }
    const QDir users(root.filePath(QStringLiteral("wiki/user")));
    for (const QString &user : users.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (!WikiStore::isValidUserId(user))
            continue;
        for (const QFileInfo &info :
             QDir(users.filePath(user)).entryInfoList({QStringLiteral("*.md")}, QDir::Files)) {
            if (WikiStore::isValidKey(info.completeBaseName()))
                addFile(out, root, info, root.relativeFilePath(info.filePath()));
        }
    }

    const QDir layer(root.filePath(QStringLiteral("semantic-layer")));
    for (const QString &connection : layer.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString dir = layer.filePath(connection);
        const bool composed = QFileInfo(dir + QStringLiteral("/_schema")).isDir();
        QDirIterator it(dir, {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            const QFileInfo info = it.fileInfo();
            addFile(out, root, info,
                    composed ? QStringLiteral("sl:") + connection
                             : root.relativeFilePath(info.filePath()));
        }
    }

    const QDir raw(root.filePath(QStringLiteral("raw-sources")));
    for (const QString &connection : raw.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString sync = LiveDatabaseEvidence::latestSyncDir(projectDir, connection);
        if (sync.isEmpty())
            continue;
        const QString unit = QStringLiteral("evidence:") + connection;
        for (const QString &name :
             {QStringLiteral("connection.json"), QStringLiteral("profiles.json")}) {
            const QFileInfo info(QDir(sync).filePath(name));
            if (info.isFile())
                addFile(out, root, info, unit);
        }
        for (const QFileInfo &info : QDir(sync + QStringLiteral("/tables"))
                                         .entryInfoList({QStringLiteral("*.json")}, QDir::Files))
            addFile(out, root, info, unit);
        const QFileInfo profiles(LiveDatabaseEvidence::profilesPath(projectDir, connection));
        if (profiles.isFile())
            addFile(out, root, profiles, unit);
    }
    return out;
}

struct UnitDocuments
{
    QList<SearchDocument> documents;
    bool evidence = false;
    QString evidenceConnection;
    QList<DictionaryEntry> dictionary;
    std::optional<DictionaryCoverage> coverage;
};

QByteArray readBytes(const InputFile &file, const QHash<QString, QByteArray> &cache)
{
    auto it = cache.constFind(file.rel);
    if (it != cache.cend())
        return *it;
    QFile f(file.abs);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

UnitDocuments buildUnit(const QString &projectDir, const QString &unit,
                        const QList<const InputFile *> &files,
                        const QHash<QString, QByteArray> &cache, QList<Error> *issues)
{
    UnitDocuments out;
    if (unit.startsWith(QLatin1String("evidence:"))) {
        out.evidence = true;
        out.evidenceConnection = unit.mid(9);
        if (files.isEmpty())
            return out;
        QMap<QString, QByteArray> evidence;
        QString syncDir;
        for (const InputFile *file : files) {
            // The local profiles artifact (.ktx/profiles/<connection>.json)
            // stands in for a profiles.json of the sync folder.
            if (file->rel.startsWith(QLatin1String(".ktx/profiles/"))) {
                evidence.insert(QStringLiteral("profiles.json"), readBytes(*file, cache));
                continue;
            }
            // raw-sources/<connection>/live-database/<syncId>/<inner path>
            const QStringList parts = file->rel.split(QLatin1Char('/'));
            if (parts.size() < 5)
                continue;
            syncDir = parts.at(3);
            evidence.insert(parts.mid(4).join(QLatin1Char('/')), readBytes(*file, cache));
        }
        SearchDocumentBuilder::Evidence built
            = SearchDocumentBuilder::fromEvidence(out.evidenceConnection, syncDir, evidence);
        out.documents = built.documents;
        out.dictionary = built.dictionary;
        out.coverage = built.coverage;
        return out;
    }
    if (unit.startsWith(QLatin1String("sl:"))) {
        const QString connection = unit.mid(3);
        if (files.isEmpty())
            return out;
        const SourceLoader::SourceSet set = SourceLoader::loadDirectory(
            QDir(projectDir).filePath(QStringLiteral("semantic-layer/") + connection));
        for (const SourceIssue &issue : set.issues) {
            if (issue.isError())
                issues->append(makeError(issue.code, issue.toText()));
        }
        out.documents = SearchDocumentBuilder::fromSources(connection, set.sources);
        return out;
    }
    if (files.isEmpty())
        return out;
    const InputFile &file = *files.first();
    const QByteArray bytes = readBytes(file, cache);
    if (unit.startsWith(QLatin1String("wiki/"))) {
        Result<WikiPage> parsed = WikiPage::parse(bytes, file.rel);
        if (!parsed) {
            issues->append(parsed.error());
            return out;
        }
        WikiPage page = std::move(parsed).value();
        const QStringList parts = file.rel.split(QLatin1Char('/'));
        page.key = QFileInfo(file.rel).completeBaseName();
        if (parts.value(1) == QLatin1String("user")) {
            page.scope = WikiScope::User;
            page.userId = parts.value(2);
        }
        out.documents << SearchDocumentBuilder::fromWikiPage(page);
        return out;
    }
    // A semantic-layer file of a connection without a manifest.
    const QString connection = file.rel.section(QLatin1Char('/'), 1, 1);
    QList<SemanticSource> sources;
    for (const SourceLoader::Loaded &loaded : SourceLoader::fromYamlFile(bytes, file.abs)) {
        for (const SourceIssue &issue : loaded.issues) {
            if (issue.isError())
                issues->append(makeError(issue.code, issue.toText()));
        }
        if (loaded.source)
            sources << *loaded.source;
    }
    out.documents = SearchDocumentBuilder::fromSources(connection, sources);
    return out;
}

QString documentKey(const QString &unit, const SearchDocument &d)
{
    return unit + QLatin1Char('\x1f') + d.kind + QLatin1Char('\x1f') + d.connectionId
        + QLatin1Char('\x1f') + d.id;
}

QString connectionsColumn(const QStringList &connections)
{
    return connections.isEmpty()
        ? QString()
        : QLatin1Char('|') + connections.join(QLatin1Char('|')) + QLatin1Char('|');
}

QVariantList documentValues(const SearchDocument &d)
{
    return {d.kind,
            d.id,
            d.connectionId,
            d.title,
            d.summary,
            d.text,
            QString::fromUtf8(QJsonDocument(d.fields).toJson(QJsonDocument::Compact)),
            d.scope,
            d.userId,
            d.path,
            connectionsColumn(d.connections),
            d.tableRef.isEmpty()
                ? QString()
                : QString::fromUtf8(QJsonDocument(d.tableRef).toJson(QJsonDocument::Compact)),
            d.columnName,
            d.tableName,
            QString::fromLatin1(d.contentHash()),
            QString::fromLatin1(embedHash(d.embeddingText()))};
}

Result<void> replaceFts(const Connection &c, qint64 id, const SearchDocument &d)
{
    if (Result<void> r = c.exec(QStringLiteral("DELETE FROM search_fts WHERE rowid = ?"), {id}); !r)
        return r;
    return c.exec(QStringLiteral("INSERT INTO search_fts(rowid, title, body) VALUES(?, ?, ?)"),
                  {id, d.title, d.text});
}

// Brings one unit's rows to `built`: unchanged rows stay, changed rows are
// rewritten, missing rows go.
Result<void> applyUnit(const Connection &c, const QString &unit, const UnitDocuments &built,
                       SearchIndex::SyncStats &stats)
{
    struct Existing
    {
        qint64 id;
        QString hash;
    };
    QHash<QString, Existing> existing;
    {
        QSqlQuery q(c.db());
        q.prepare(QStringLiteral(
            "SELECT id, doc_key, content_hash FROM search_documents WHERE unit = ?"));
        q.addBindValue(unit);
        if (!q.exec())
            return dbError(QStringLiteral("reading documents"), q.lastError());
        while (q.next())
            existing.insert(q.value(1).toString(),
                            {q.value(0).toLongLong(), q.value(2).toString()});
    }
    QSet<QString> seen;
    for (const SearchDocument &d : built.documents) {
        const QString key = documentKey(unit, d);
        if (seen.contains(key))
            continue; // the same name twice in one unit: the first one wins
        seen.insert(key);
        const QString hash = QString::fromLatin1(d.contentHash());
        const auto found = existing.constFind(key);
        if (found != existing.cend() && found->hash == hash)
            continue;
        QVariantList values = documentValues(d);
        if (found != existing.cend()) {
            values << found->id;
            if (Result<void> r = c.exec(
                    QStringLiteral("UPDATE search_documents SET kind = ?, ref_id = ?, "
                                   "connection_id = ?, title = ?, summary = ?, search_text = ?, "
                                   "fields = ?, scope = ?, user_id = ?, path = ?, connections = ?, "
                                   "table_ref = ?, column_name = ?, table_name = ?, content_hash "
                                   "= ?, embed_hash = ? WHERE id = ?"),
                    values);
                !r)
                return r;
            if (Result<void> r = replaceFts(c, found->id, d); !r)
                return r;
        } else {
            QSqlQuery q(c.db());
            q.prepare(QStringLiteral(
                "INSERT INTO search_documents(doc_key, unit, kind, ref_id, connection_id, title, "
                "summary, search_text, fields, scope, user_id, path, connections, table_ref, "
                "column_name, table_name, content_hash, embed_hash) VALUES(?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            q.addBindValue(key);
            q.addBindValue(unit);
            for (const QVariant &v : std::as_const(values))
                q.addBindValue(bindable(v));
            if (!q.exec())
                return dbError(QStringLiteral("inserting a document"), q.lastError());
            const qint64 id = q.lastInsertId().toLongLong();
            if (Result<void> r = replaceFts(c, id, d); !r)
                return r;
        }
        ++stats.documentsWritten;
    }
    for (auto it = existing.cbegin(); it != existing.cend(); ++it) {
        if (seen.contains(it.key()))
            continue;
        if (Result<void> r
            = c.exec(QStringLiteral("DELETE FROM search_documents WHERE id = ?"), {it->id});
            !r)
            return r;
        if (Result<void> r
            = c.exec(QStringLiteral("DELETE FROM search_fts WHERE rowid = ?"), {it->id});
            !r)
            return r;
        ++stats.documentsDeleted;
    }

    if (built.evidence) {
        if (Result<void> r
            = c.exec(QStringLiteral("DELETE FROM search_dictionary WHERE unit = ?"), {unit});
            !r)
            return r;
        if (Result<void> r = c.exec(
                QStringLiteral("DELETE FROM search_dictionary_coverage WHERE unit = ?"), {unit});
            !r)
            return r;
        for (const DictionaryEntry &e : built.dictionary) {
            if (Result<void> r
                = c.exec(QStringLiteral("INSERT INTO search_dictionary(unit, connection_id, "
                                        "table_path, table_name, column_name, value, value_lower, "
                                        "cardinality) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"),
                         {unit, e.connectionId, e.tablePath, e.tableName, e.columnName, e.value,
                          e.value.toLower(),
                          e.cardinality ? QVariant(*e.cardinality)
                                        : QVariant(QMetaType(QMetaType::LongLong))});
                !r)
                return r;
        }
        if (built.coverage) {
            const DictionaryCoverage &cov = *built.coverage;
            const QVariant null(QMetaType(QMetaType::LongLong));
            if (Result<void> r = c.exec(
                    QStringLiteral("INSERT OR REPLACE INTO search_dictionary_coverage("
                                   "connection_id, unit, sampled_rows, values_per_column, "
                                   "profiled_columns, sync_id, profiled_at, status) VALUES(?, ?, "
                                   "?, ?, ?, ?, ?, ?)"),
                    {cov.connectionId, unit, cov.sampledRows ? QVariant(*cov.sampledRows) : null,
                     cov.valuesPerColumn ? QVariant(*cov.valuesPerColumn) : null,
                     cov.profiledColumns, cov.syncId, cov.profiledAt, cov.status});
                !r)
                return r;
        }
    }
    return {};
}

// Vectors for every document text that has none for the current model.
void embedMissing(const Connection &c, const EmbeddingClient &client, bool force,
                  const CancellationToken &cancel, SearchIndex::SyncStats &stats)
{
    const QString model = embeddingModelKey(client);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const bool pending = metaValue(c, QStringLiteral("embeddings_pending")) != QLatin1String("0")
        || metaValue(c, QStringLiteral("embeddings_model")) != model;
    if (!force && !pending)
        return;
    const qint64 failedAt
        = metaValue(c, QStringLiteral("embeddings_failed_at")).value_or(QString()).toLongLong();
    if (!force && failedAt > 0 && now - failedAt < kEmbeddingRetryMs) {
        stats.embeddingError = QStringLiteral("skipped: the last embeddings call failed less than "
                                              "a minute ago");
        return;
    }

    QStringList hashes, texts;
    {
        QSqlQuery q(c.db());
        q.prepare(QStringLiteral(
            "SELECT d.embed_hash, MIN(d.title), MIN(d.summary), MIN(d.search_text) FROM "
            "search_documents d LEFT JOIN search_embeddings e ON e.embed_hash = d.embed_hash AND "
            "e.model = ? WHERE e.embed_hash IS NULL GROUP BY d.embed_hash"));
        q.addBindValue(model);
        if (!q.exec()) {
            stats.embeddingError = q.lastError().text();
            return;
        }
        while (q.next()) {
            SearchDocument d;
            d.title = q.value(1).toString();
            d.summary = q.value(2).toString();
            d.text = q.value(3).toString();
            hashes << q.value(0).toString();
            texts << d.embeddingText();
        }
    }
    constexpr qsizetype chunk = 256;
    for (qsizetype start = 0; start < texts.size(); start += chunk) {
        if (cancel.isCancelled())
            return;
        Result<QList<QVector<float>>> vectors = client.embed(texts.mid(start, chunk), cancel);
        if (!vectors) {
            stats.embeddingError = vectors.error().message;
            stats.embeddingsFailed += int(texts.size() - start);
            (void)setMeta(c, QStringLiteral("embeddings_pending"), QStringLiteral("1"));
            (void)setMeta(c, QStringLiteral("embeddings_failed_at"), QString::number(now));
            return;
        }
        Transaction t(c);
        if (!t.begin())
            return;
        for (qsizetype i = 0; i < vectors->size(); ++i) {
            const QVector<float> &v = vectors->at(i);
            (void)c.exec(QStringLiteral("INSERT OR REPLACE INTO search_embeddings(embed_hash, "
                                        "model, dims, vector) VALUES(?, ?, ?, ?)"),
                         {hashes.at(start + i), model, int(v.size()), packVector(v)});
        }
        (void)t.commit();
        stats.embeddingsComputed += int(vectors->size());
    }
    (void)setMeta(c, QStringLiteral("embeddings_pending"), QStringLiteral("0"));
    (void)setMeta(c, QStringLiteral("embeddings_model"), model);
    (void)setMeta(c, QStringLiteral("embeddings_failed_at"), QStringLiteral("0"));
}

// The WHERE part shared by every lane: kinds, the user's wiki scope (their own
// pages shadow global ones), the connection.
struct Filter
{
    QString sql;
    QVariantList binds;
};

Filter buildFilter(const SearchRequest &request)
{
    Filter f;
    QStringList parts;
    if (!request.kinds.isEmpty()) {
        QStringList marks;
        for (const QString &kind : request.kinds) {
            marks << QStringLiteral("?");
            f.binds << kind;
        }
        parts << QStringLiteral("d.kind IN (%1)").arg(marks.join(QStringLiteral(", ")));
    }
    parts << QStringLiteral("(d.kind <> 'wiki' OR d.scope = 'GLOBAL' OR d.user_id = ?)");
    f.binds << request.userId;
    parts << QStringLiteral(
        "NOT (d.kind = 'wiki' AND d.scope = 'GLOBAL' AND EXISTS (SELECT 1 FROM search_documents "
        "u WHERE u.kind = 'wiki' AND u.user_id = ? AND u.scope = 'USER' AND u.ref_id = "
        "d.ref_id))");
    f.binds << request.userId;
    if (!request.connectionId.isEmpty()) {
        parts << QStringLiteral("(CASE WHEN d.kind = 'wiki' THEN (d.connections = '' OR "
                                "instr(d.connections, ?) > 0) ELSE d.connection_id = ? END)");
        f.binds << QString(QLatin1Char('|') + request.connectionId + QLatin1Char('|'))
                << request.connectionId;
    }
    f.sql = parts.join(QStringLiteral(" AND "));
    return f;
}

struct LaneResult
{
    SearchLaneReport report;
    QList<qint64> ranked;
};

// A lane that is available until it says otherwise, asked for `pool`
// candidates and given at most kMaxPool.
LaneResult newLane(const QString &name, double weight, int pool)
{
    LaneResult lane;
    lane.report
        = {name, QStringLiteral("available"), pool, std::min(pool, kMaxPool), 0, weight, {}};
    return lane;
}

LaneResult skippedLane(LaneResult lane, const QString &reason)
{
    lane.report.status = QStringLiteral("skipped");
    lane.report.reason = reason;
    return lane;
}

QString laneFailure(const QSqlError &error)
{
    return QStringLiteral("query_failed: ") + error.text();
}

// A lane's candidates: rows of search_documents passing the filter, best bm25
// first, then by id.
struct RankedRows
{
    QList<qint64> ids;
    QHash<qint64, QString> texts; // search_text, when asked for
    std::optional<QSqlError> error;
};

// The first `want` documents matching `match` that pass the filter, in the
// order `... JOIN search_documents d ... WHERE MATCH AND filter ORDER BY
// bm25(search_fts, 2.0, 1.0), d.id LIMIT want` gives, without that join: it
// looked every matched row up (a common word matches most of the index) before
// sorting. Here FTS5 ranks on its own and only rows from the top are looked up,
// a chunk at a time, until `want` of them pass. `loose` says most rows pass (no
// kind or connection filter): then a bounded top-N sort is tried first.
RankedRows rankedMatches(const Connection &c, const QString &match, const Filter &filter, int want,
                         bool withText, bool loose)
{
    RankedRows out;
    const auto lookUp = [&](const QList<qint64> &chunk) -> bool {
        QStringList marks;
        marks.reserve(chunk.size());
        for (qsizetype i = 0; i < chunk.size(); ++i)
            marks << QStringLiteral("?");
        QSqlQuery q(c.db());
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT d.id%1 FROM search_documents d WHERE d.id IN (%2) AND %3")
                      .arg(withText ? QStringLiteral(", d.search_text") : QString(),
                           marks.join(QLatin1Char(',')), filter.sql));
        for (qint64 id : chunk)
            q.addBindValue(id);
        for (const QVariant &b : filter.binds)
            q.addBindValue(b);
        if (!q.exec()) {
            out.error = q.lastError();
            return false;
        }
        QSet<qint64> passed;
        while (q.next()) {
            const qint64 id = q.value(0).toLongLong();
            passed.insert(id);
            if (withText)
                out.texts.insert(id, q.value(1).toString());
        }
        for (qint64 id : chunk) {
            if (out.ids.size() >= want)
                break;
            if (passed.contains(id))
                out.ids << id;
        }
        return true;
    };

    // A bounded sort first when most rows pass; all matches, stepped lazily,
    // when that did not yield enough.
    const int bound = want + want / 4 + 16;
    for (const bool bounded : {true, false}) {
        if (bounded && !loose)
            continue;
        out.ids.clear();
        out.texts.clear();
        QSqlQuery q(c.db());
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY "
                                 "bm25(search_fts, 2.0, 1.0), rowid")
                  + (bounded ? QStringLiteral(" LIMIT ?") : QString()));
        q.addBindValue(match);
        if (bounded)
            q.addBindValue(bound);
        if (!q.exec()) {
            out.error = q.lastError();
            return out;
        }
        int rows = 0;
        QList<qint64> chunk;
        bool more = true;
        while (out.ids.size() < want && more) {
            chunk.clear();
            // Ask for what is missing and some spare, so a filter that drops a
            // few rows does not cost a second round.
            const qsizetype size = std::max<qsizetype>(2 * (want - out.ids.size()), 64);
            while (chunk.size() < size && (more = q.next())) {
                chunk << q.value(0).toLongLong();
                ++rows;
            }
            if (!chunk.isEmpty() && !lookUp(chunk))
                return out;
        }
        if (out.ids.size() >= want || !bounded || rows < bound)
            return out; // enough, or every match was seen
    }
    return out;
}

LaneResult lexicalLane(const Connection &c, const QStringList &terms, const Filter &filter,
                       int pool, bool loose)
{
    LaneResult lane = newLane(QStringLiteral("lexical"), SearchIndex::LexicalWeight, pool);
    if (terms.isEmpty())
        return skippedLane(std::move(lane), QStringLiteral("no_search_terms"));
    RankedRows rows = rankedMatches(c, SearchTerms::matchAny(terms), filter,
                                    lane.report.effectiveCandidatePoolLimit, false, loose);
    if (rows.error) {
        lane.report.status = QStringLiteral("failed");
        lane.report.reason = laneFailure(*rows.error);
        return lane;
    }
    lane.ranked = std::move(rows.ids);
    lane.report.returnedCandidateCount = int(lane.ranked.size());
    return lane;
}

// The lexical lane's snippet of each of `ids` (computed for the hits shown
// only: snippet() in the lane's query ran for every matched row).
QHash<qint64, QString> lexicalSnippets(const Connection &c, const QStringList &terms,
                                       const QList<qint64> &ids)
{
    QHash<qint64, QString> out;
    if (ids.isEmpty())
        return out;
    QSqlQuery q(c.db());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT snippet(search_fts, 1, '', '', '…', 16) FROM search_fts "
                             "WHERE search_fts MATCH ? AND rowid = ?"));
    const QString match = SearchTerms::matchAny(terms);
    for (qint64 id : ids) {
        q.addBindValue(match);
        q.addBindValue(id);
        if (q.exec() && q.next())
            out.insert(id, q.value(0).toString().simplified());
        q.finish();
    }
    return out;
}

LaneResult tokenLane(const Connection &c, const QStringList &terms, const Filter &filter, int pool,
                     bool loose)
{
    LaneResult lane = newLane(QStringLiteral("token"), SearchIndex::TokenWeight, pool);
    if (terms.isEmpty())
        return skippedLane(std::move(lane), QStringLiteral("no_search_terms"));
    // Candidates: documents with a word starting with any term; then ranked by
    // the share of terms their text contains (word parts and plurals included).
    RankedRows rows
        = rankedMatches(c, SearchTerms::matchAnyPrefix(terms), filter,
                        std::max(lane.report.effectiveCandidatePoolLimit * 4, 200), true, loose);
    if (rows.error) {
        lane.report.status = QStringLiteral("failed");
        lane.report.reason = laneFailure(*rows.error);
        return lane;
    }
    struct Scored
    {
        qint64 id;
        int contained;
        int order;
    };
    std::vector<Scored> scored;
    int order = 0;
    for (qint64 id : std::as_const(rows.ids)) {
        const int n = SearchTerms::countContained(terms, rows.texts.value(id).toLower());
        if (n > 0)
            scored.push_back({id, n, order});
        ++order;
    }
    std::stable_sort(scored.begin(), scored.end(), [](const Scored &a, const Scored &b) {
        return a.contained != b.contained ? a.contained > b.contained : a.order < b.order;
    });
    for (const Scored &s : scored) {
        if (lane.ranked.size() >= lane.report.effectiveCandidatePoolLimit)
            break;
        lane.ranked << s.id;
    }
    lane.report.returnedCandidateCount = int(lane.ranked.size());
    return lane;
}

LaneResult semanticLane(const Connection &c, const QString &query, const Filter &filter, int pool,
                        const SearchIndex::Options &options, const CancellationToken &cancel)
{
    LaneResult lane = newLane(QStringLiteral("semantic"), SearchIndex::SemanticWeight, pool);
    if (!options.embeddings)
        return skippedLane(std::move(lane), options.embeddingsUnavailable);
    Result<QList<QVector<float>>> embedded = options.embeddings->embed({query}, cancel);
    if (!embedded || embedded->isEmpty())
        return skippedLane(
            std::move(lane),
            QStringLiteral("embedding_unhealthy:")
                + (embedded ? QStringLiteral("no vector returned") : embedded.error().message));
    const QVector<float> vector = embedded->first();
    QSqlQuery q(c.db());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT d.id, e.vector FROM search_documents d JOIN "
                             "search_embeddings e ON e.embed_hash = d.embed_hash AND e.model = ? "
                             "WHERE %1")
                  .arg(filter.sql));
    q.addBindValue(embeddingModelKey(*options.embeddings));
    for (const QVariant &b : filter.binds)
        q.addBindValue(b);
    if (!q.exec()) {
        lane.report.status = QStringLiteral("failed");
        lane.report.reason = laneFailure(q.lastError());
        return lane;
    }
    std::vector<std::pair<double, qint64>> scored;
    while (q.next()) {
        const double s = cosine(vector, q.value(1).toByteArray());
        if (s > 0) // only positive similarity counts as a match
            scored.emplace_back(s, q.value(0).toLongLong());
    }
    std::sort(scored.begin(), scored.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto &[score, id] : scored) {
        if (lane.ranked.size() >= lane.report.effectiveCandidatePoolLimit)
            break;
        lane.ranked << id;
    }
    lane.report.returnedCandidateCount = int(lane.ranked.size());
    return lane;
}

SearchDocument documentFromRow(const QSqlQuery &q, int first)
{
    SearchDocument d;
    d.kind = q.value(first).toString();
    d.id = q.value(first + 1).toString();
    d.connectionId = q.value(first + 2).toString();
    d.title = q.value(first + 3).toString();
    d.summary = q.value(first + 4).toString();
    d.text = q.value(first + 5).toString();
    d.fields = QJsonDocument::fromJson(q.value(first + 6).toString().toUtf8()).object();
    d.scope = q.value(first + 7).toString();
    d.userId = q.value(first + 8).toString();
    d.path = q.value(first + 9).toString();
    d.connections = q.value(first + 10).toString().split(QLatin1Char('|'), Qt::SkipEmptyParts);
    d.tableRef = QJsonDocument::fromJson(q.value(first + 11).toString().toUtf8()).object();
    d.columnName = q.value(first + 12).toString();
    d.tableName = q.value(first + 13).toString();
    return d;
}

QString matchedOn(const SearchDocument &d, const QStringList &terms)
{
    static const QStringList order {QStringLiteral("name"),        QStringLiteral("display"),
                                    QStringLiteral("description"), QStringLiteral("comment"),
                                    QStringLiteral("expr"),        QStringLiteral("sample_value"),
                                    QStringLiteral("body")};
    QString best;
    int bestCount = 0;
    for (const QString &field : order) {
        const int n
            = SearchTerms::countContained(terms, d.fields.value(field).toString().toLower());
        if (n > bestCount) {
            best = field;
            bestCount = n;
        }
    }
    if (!best.isEmpty())
        return best;
    return d.kind == QLatin1String("wiki") ? QStringLiteral("body") : QStringLiteral("description");
}

QString excerpt(const QString &text)
{
    const QString flat = text.simplified();
    return flat.size() <= 200 ? flat : QString(flat.left(199) + QChar(0x2026));
}

// The folders whose contents decide what sync() reads, each with its
// modification time in nanoseconds ("-" when missing), and the newest of those
// times in milliseconds.
struct DirectoryStamp
{
    QByteArray text;
    qint64 newestMs = 0;
};

void stampDirectory(DirectoryStamp &stamp, const QString &root, const QString &relative)
{
    struct stat st;
    stamp.text += QFile::encodeName(relative) + '\t';
    if (::stat(QFile::encodeName(QDir(root).filePath(relative)).constData(), &st) != 0) {
        stamp.text += "-\n";
        return;
    }
    const qint64 ns = qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    stamp.text += QByteArray::number(ns) + '\n';
    stamp.newestMs = std::max(stamp.newestMs, ns / 1000000);
}

// Mirrors collectInputs() folder by folder.
DirectoryStamp directoryStamp(const QString &projectDir)
{
    DirectoryStamp stamp;
    const QDir root(projectDir);
    for (const QString &dir :
         {QStringLiteral("wiki"), QStringLiteral("wiki/global"), QStringLiteral("wiki/user")})
        stampDirectory(stamp, projectDir, dir);
    for (const QString &user : QDir(root.filePath(QStringLiteral("wiki/user")))
                                   .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        stampDirectory(stamp, projectDir, QStringLiteral("wiki/user/") + user);

    stampDirectory(stamp, projectDir, QStringLiteral("semantic-layer"));
    QStringList layerDirs;
    QDirIterator it(root.filePath(QStringLiteral("semantic-layer")),
                    QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
        layerDirs << root.relativeFilePath(it.next());
    layerDirs.sort();
    for (const QString &dir : std::as_const(layerDirs))
        stampDirectory(stamp, projectDir, dir);

    stampDirectory(stamp, projectDir, QStringLiteral("raw-sources"));
    stampDirectory(stamp, projectDir, QStringLiteral(".ktx/profiles"));
    const QDir raw(root.filePath(QStringLiteral("raw-sources")));
    for (const QString &connection : raw.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString base = QStringLiteral("raw-sources/%1/%2")
                                 .arg(connection, LiveDatabaseEvidence::sourceKey());
        stampDirectory(stamp, projectDir, QStringLiteral("raw-sources/") + connection);
        stampDirectory(stamp, projectDir, base);
        // Which snapshot is the latest depends on each one's connection.json.
        for (const QString &sync :
             QDir(root.filePath(base)).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
            stampDirectory(stamp, projectDir, base + QLatin1Char('/') + sync);
        const QString latest = LiveDatabaseEvidence::latestSyncDir(projectDir, connection);
        if (!latest.isEmpty())
            stampDirectory(stamp, projectDir,
                           root.relativeFilePath(latest) + QStringLiteral("/tables"));
    }
    return stamp;
}

} // namespace

QJsonObject SearchLaneReport::toJson() const
{
    QJsonObject o {{QStringLiteral("lane"), lane},
                   {QStringLiteral("status"), status},
                   {QStringLiteral("requestedCandidatePoolLimit"), requestedCandidatePoolLimit},
                   {QStringLiteral("effectiveCandidatePoolLimit"), effectiveCandidatePoolLimit},
                   {QStringLiteral("returnedCandidateCount"), returnedCandidateCount},
                   {QStringLiteral("weight"), weight}};
    if (!reason.isEmpty())
        o.insert(QStringLiteral("reason"), reason);
    return o;
}

SearchIndex::Options SearchIndex::Options::fromConfig(const ProjectConfig &config,
                                                      const QString &projectDir,
                                                      const QProcessEnvironment &env)
{
    Options options;
    Result<EmbeddingClient> client
        = EmbeddingClient::fromConfig(config.ingest.embeddings, projectDir, env);
    if (client) {
        // A query must not wait through minutes of retries: two quick attempts.
        RequestGovernor::Policy policy;
        policy.maxAttempts = 2;
        policy.baseDelayMs = 250;
        policy.maxDelayMs = 1000;
        options.embeddings.emplace(client->settings(), std::make_shared<RequestGovernor>(policy));
        options.embeddingsUnavailable.clear();
    } else if (client.error().code == QLatin1String("embeddings.none")) {
        options.embeddingsUnavailable = QStringLiteral("embedding_unconfigured");
    } else {
        options.embeddingsUnavailable
            = QStringLiteral("embedding_unhealthy:") + client.error().message;
    }
    return options;
}

SearchIndex::SearchIndex(QString projectDir)
    : SearchIndex(std::move(projectDir), Options())
{ }

SearchIndex::SearchIndex(QString projectDir, Options options)
    : m_projectDir(std::move(projectDir))
    , m_options(std::move(options))
{ }

QString SearchIndex::databasePath() const
{
    return QDir(m_projectDir).filePath(QStringLiteral(".ktx/db.sqlite"));
}

int SearchIndex::candidatePoolLimit(int limit)
{
    return std::max(limit * 5, 50);
}

Result<SearchIndex::SyncStats> SearchIndex::sync(const CancellationToken &cancel) const
{
    SyncStats stats;
    std::optional<Error> openError;
    const ConnectionLease lease = leaseConnection(databasePath(), &openError);
    const Connection *connection = lease.connection;
    if (!connection)
        return *openError;
    const Connection &c = *connection;
    if (Result<void> r = ensureSchema(c); !r)
        return r.error();

    const QList<InputFile> inputs = collectInputs(m_projectDir);
    stats.filesScanned = int(inputs.size());

    QHash<QString, StoredFile> stored;
    {
        QSqlQuery q(c.db());
        if (!q.exec(QStringLiteral(
                "SELECT path, unit, size, mtime, hash, verified_at FROM search_files")))
            return dbError(QStringLiteral("reading indexed files"), q.lastError());
        while (q.next())
            stored.insert(q.value(0).toString(),
                          {q.value(1).toString(), q.value(2).toLongLong(), q.value(3).toLongLong(),
                           q.value(4).toByteArray(), q.value(5).toLongLong()});
    }

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QSet<QString> dirtyUnits;
    QHash<QString, QByteArray> cache; // bytes read for hashing, reused to index
    struct FileRow
    {
        const InputFile *file;
        QByteArray hash;
    };
    QList<FileRow> upserts;
    QHash<QString, QList<const InputFile *>> byUnit;
    QSet<QString> present;
    for (const InputFile &file : inputs) {
        if (cancel.isCancelled())
            return makeError(QStringLiteral("cancelled"), QStringLiteral("Search sync cancelled."));
        present.insert(file.rel);
        byUnit[file.unit] << &file;
        const auto old = stored.constFind(file.rel);
        if (old != stored.cend() && old->unit == file.unit && old->size == file.size
            && old->mtime == file.mtime && file.mtime + kRacyWindowMs < old->verifiedAt)
            continue;
        QFile f(file.abs);
        if (!f.open(QIODevice::ReadOnly)) {
            stats.issues << makeError(
                QStringLiteral("search.unreadable"),
                QStringLiteral("Cannot read %1: %2").arg(file.rel, f.errorString()));
            continue;
        }
        const QByteArray bytes = f.readAll();
        ++stats.filesRead;
        const QByteArray hash = sha256(bytes);
        upserts << FileRow {&file, hash};
        if (old != stored.cend() && old->unit == file.unit && old->hash == hash)
            continue; // touched, not changed
        ++stats.filesChanged;
        dirtyUnits.insert(file.unit);
        if (old != stored.cend() && old->unit != file.unit)
            dirtyUnits.insert(old->unit);
        cache.insert(file.rel, bytes);
    }
    QStringList removed;
    for (auto it = stored.cbegin(); it != stored.cend(); ++it) {
        if (present.contains(it.key()))
            continue;
        removed << it.key();
        dirtyUnits.insert(it->unit);
        ++stats.filesRemoved;
    }

    if (!upserts.isEmpty() || !removed.isEmpty()) {
        // Parse outside the write transaction: readers are never held up by it.
        QList<QPair<QString, UnitDocuments>> units;
        QStringList sortedUnits(dirtyUnits.cbegin(), dirtyUnits.cend());
        sortedUnits.sort();
        for (const QString &unit : std::as_const(sortedUnits)) {
            if (cancel.isCancelled())
                return makeError(QStringLiteral("cancelled"),
                                 QStringLiteral("Search sync cancelled."));
            units.append(
                {unit, buildUnit(m_projectDir, unit, byUnit.value(unit), cache, &stats.issues)});
        }

        Transaction t(c);
        if (Result<void> r = t.begin(); !r)
            return r.error();
        for (const auto &[unit, built] : std::as_const(units)) {
            if (Result<void> r = applyUnit(c, unit, built, stats); !r)
                return r.error();
            ++stats.unitsReindexed;
        }
        for (const FileRow &row : std::as_const(upserts)) {
            if (Result<void> r = c.exec(
                    QStringLiteral("INSERT OR REPLACE INTO search_files(path, unit, size, mtime, "
                                   "hash, verified_at) VALUES(?, ?, ?, ?, ?, ?)"),
                    {row.file->rel, row.file->unit, row.file->size, row.file->mtime,
                     QString::fromLatin1(row.hash), now});
                !r)
                return r.error();
        }
        for (const QString &path : std::as_const(removed)) {
            if (Result<void> r
                = c.exec(QStringLiteral("DELETE FROM search_files WHERE path = ?"), {path});
                !r)
                return r.error();
        }
        if (stats.documentsDeleted > 0) {
            if (Result<void> r
                = c.exec(QStringLiteral("DELETE FROM search_embeddings WHERE embed_hash NOT IN "
                                        "(SELECT embed_hash FROM search_documents)"));
                !r)
                return r.error();
        }
        if (stats.documentsWritten > 0) {
            const qint64 total = metaValue(c, QStringLiteral("documents_written_total"))
                                     .value_or(QString())
                                     .toLongLong();
            if (Result<void> r = setMeta(c, QStringLiteral("documents_written_total"),
                                         QString::number(total + stats.documentsWritten));
                !r)
                return r.error();
        }
        if (Result<void> r = t.commit(); !r)
            return r.error();
    }

    if (m_options.embeddings)
        embedMissing(c, *m_options.embeddings, stats.documentsWritten > 0, cancel, stats);
    return stats;
}

Result<SearchIndex::SyncStats> SearchIndex::refresh(const CancellationToken &cancel) const
{
    std::optional<Error> openError;
    const ConnectionLease lease = leaseConnection(databasePath(), &openError);
    const Connection *connection = lease.connection;
    if (!connection)
        return *openError;
    const Connection &c = *connection;
    if (Result<void> r = ensureSchema(c); !r)
        return r.error();

    // Taken before the sync reads anything, so a change made while it runs
    // shows up as a different stamp next time.
    const qint64 stampedAt = QDateTime::currentMSecsSinceEpoch();
    const DirectoryStamp stamp = directoryStamp(m_projectDir);
    const QString digest = QString::fromLatin1(sha256(stamp.text));
    // Embeddings that failed or belong to another model are retried by sync().
    const bool embeddingsSettled = !m_options.embeddings
        || (metaValue(c, QStringLiteral("embeddings_pending")) != QStringLiteral("1")
            && metaValue(c, QStringLiteral("embeddings_model"))
                == embeddingModelKey(*m_options.embeddings));
    // A folder changed within the racy window of the recorded stamp may have
    // changed again within the same timestamp.
    if (embeddingsSettled && metaValue(c, QStringLiteral("dir_stamp")) == digest
        && stamp.newestMs + kRacyWindowMs
            < metaValue(c, QStringLiteral("dir_stamp_at")).value_or(QString()).toLongLong()) {
        SyncStats stats;
        stats.upToDate = true;
        return stats;
    }
    Result<SyncStats> stats = sync(cancel);
    if (!stats)
        return stats;
    if (Result<void> r = setMeta(c, QStringLiteral("dir_stamp"), digest); !r)
        return r.error();
    if (Result<void> r = setMeta(c, QStringLiteral("dir_stamp_at"), QString::number(stampedAt)); !r)
        return r.error();
    return stats;
}

Result<qint64> SearchIndex::documentsWrittenTotal() const
{
    std::optional<Error> openError;
    const ConnectionLease lease = leaseConnection(databasePath(), &openError);
    const Connection *connection = lease.connection;
    if (!connection)
        return *openError;
    const Connection &c = *connection;
    if (Result<void> r = ensureSchema(c); !r)
        return r.error();
    return metaValue(c, QStringLiteral("documents_written_total")).value_or(QString()).toLongLong();
}

Result<SearchResponse> SearchIndex::search(const SearchRequest &request,
                                           const CancellationToken &cancel) const
{
    SearchResponse response;
    response.embeddingConfigured = m_options.embeddings.has_value();
    std::optional<Error> openError;
    const ConnectionLease lease = leaseConnection(databasePath(), &openError);
    const Connection *connection = lease.connection;
    if (!connection)
        return *openError;
    const Connection &c = *connection;
    if (Result<void> r = ensureSchema(c); !r)
        return r.error();

    const QStringList terms = SearchTerms::parse(request.query);
    const int limit = std::clamp(request.limit, 1, kMaxPool);
    const int pool = candidatePoolLimit(limit);
    const Filter filter = buildFilter(request);

    // Without a kind or connection filter almost every matched row passes.
    const bool loose = request.kinds.isEmpty() && request.connectionId.isEmpty();
    QList<LaneResult> lanes;
    // The token lane runs beside the lexical one when a lane thread is free:
    // each ranks every matched row by bm25, which is most of a query's time. A
    // lane thread reads through its own connection.
    std::optional<LaneResult> token;
    QSemaphore tokenDone;
    const QString path = databasePath();
    QThreadPool *workers = terms.isEmpty() ? nullptr : lanePool();
    const bool parallel = workers && workers->tryStart([&] {
        std::optional<Error> error;
        const ConnectionLease own = leaseConnection(path, &error);
        if (own.connection)
            token = tokenLane(*own.connection, terms, filter, pool, loose);
        tokenDone.release();
    });
    lanes << lexicalLane(c, terms, filter, pool, loose);
    if (parallel)
        tokenDone.acquire();
    if (cancel.isCancelled())
        return makeError(QStringLiteral("cancelled"), QStringLiteral("Search cancelled."));
    lanes << (token ? *token : tokenLane(c, terms, filter, pool, loose));
    if (cancel.isCancelled())
        return makeError(QStringLiteral("cancelled"), QStringLiteral("Search cancelled."));
    lanes << semanticLane(c, request.query, filter, pool, m_options, cancel);

    // Fusion ids: the row id, zero-padded so that "then by id" orders by it.
    QList<ReciprocalRankFusion::Lane> fusion;
    for (const LaneResult &lane : std::as_const(lanes)) {
        response.lanes << lane.report;
        ReciprocalRankFusion::Lane f {lane.report.lane, lane.report.weight, {}};
        for (qint64 id : lane.ranked)
            f.ranked << QStringLiteral("%1").arg(id, 12, 10, QLatin1Char('0'));
        fusion << f;
    }
    QList<ReciprocalRankFusion::Candidate> fused = ReciprocalRankFusion::fuse(fusion);
    response.totalFound = int(fused.size());
    fused = fused.mid(0, limit);
    if (fused.isEmpty())
        return response;

    QStringList marks;
    QVariantList ids;
    for (const auto &candidate : std::as_const(fused)) {
        marks << QStringLiteral("?");
        ids << candidate.id.toLongLong();
    }
    QHash<qint64, SearchDocument> documents;
    {
        QSqlQuery q(c.db());
        q.prepare(QStringLiteral("SELECT id, kind, ref_id, connection_id, title, summary, "
                                 "search_text, fields, scope, user_id, path, connections, "
                                 "table_ref, column_name, table_name FROM search_documents WHERE "
                                 "id IN (%1)")
                      .arg(marks.join(QStringLiteral(", "))));
        for (const QVariant &id : std::as_const(ids))
            q.addBindValue(id);
        if (!q.exec())
            return dbError(QStringLiteral("reading results"), q.lastError());
        while (q.next())
            documents.insert(q.value(0).toLongLong(), documentFromRow(q, 1));
    }
    QList<qint64> lexicalHits;
    for (const auto &candidate : std::as_const(fused)) {
        if (candidate.lanes.contains(QLatin1String("lexical")))
            lexicalHits << candidate.id.toLongLong();
    }
    const QHash<qint64, QString> snippets = lexicalSnippets(c, terms, lexicalHits);
    for (const auto &candidate : std::as_const(fused)) {
        const qint64 id = candidate.id.toLongLong();
        const auto d = documents.constFind(id);
        if (d == documents.cend())
            continue;
        SearchHit hit;
        hit.document = *d;
        hit.score = candidate.score;
        hit.matchReasons = candidate.lanes;
        hit.ranks = candidate.ranks;
        hit.snippet = snippets.value(id);
        if (hit.snippet.isEmpty())
            hit.snippet = excerpt(d->summary.isEmpty() ? d->text : d->summary);
        hit.matchedOn = matchedOn(*d, terms);
        response.hits << hit;
    }
    return response;
}

Result<DictionaryResponse> SearchIndex::lookupValues(const QStringList &values,
                                                     const QStringList &connectionIds) const
{
    DictionaryResponse response;
    std::optional<Error> openError;
    const ConnectionLease lease = leaseConnection(databasePath(), &openError);
    const Connection *connection = lease.connection;
    if (!connection)
        return *openError;
    const Connection &c = *connection;
    if (Result<void> r = ensureSchema(c); !r)
        return r.error();

    QHash<QString, DictionaryCoverage> coverage;
    {
        QSqlQuery q(c.db());
        if (!q.exec(QStringLiteral("SELECT connection_id, sampled_rows, values_per_column, "
                                   "profiled_columns, sync_id, profiled_at, status FROM "
                                   "search_dictionary_coverage")))
            return dbError(QStringLiteral("reading dictionary coverage"), q.lastError());
        while (q.next()) {
            DictionaryCoverage cov;
            cov.connectionId = q.value(0).toString();
            if (!q.value(1).isNull())
                cov.sampledRows = q.value(1).toLongLong();
            if (!q.value(2).isNull())
                cov.valuesPerColumn = q.value(2).toLongLong();
            cov.profiledColumns = q.value(3).toInt();
            cov.syncId = q.value(4).toString();
            cov.profiledAt = q.value(5).toString();
            cov.status = q.value(6).toString();
            coverage.insert(cov.connectionId, cov);
        }
    }
    QStringList connections = connectionIds;
    if (connections.isEmpty()) {
        connections = coverage.keys();
        connections.sort();
    }
    for (const QString &id : std::as_const(connections)) {
        DictionaryCoverage cov = coverage.value(id);
        cov.connectionId = id;
        response.searched << cov;
    }

    // Table -> semantic source name, per connection, from the indexed sources.
    QHash<QString, QHash<QString, QString>> sourceByTable;
    {
        QSqlQuery q(c.db());
        if (!q.exec(QStringLiteral("SELECT connection_id, ref_id, table_name FROM "
                                   "search_documents WHERE kind = 'sl_source' AND table_name <> "
                                   "'' ORDER BY ref_id")))
            return dbError(QStringLiteral("reading sources"), q.lastError());
        while (q.next()) {
            auto &map = sourceByTable[q.value(0).toString()];
            const QString table = q.value(2).toString().toLower();
            if (!map.contains(table))
                map.insert(table, q.value(1).toString());
        }
    }
    auto sourceFor
        = [&](const QString &connection, const QString &tablePath, const QString &tableName) {
              const auto &map = sourceByTable[connection];
              QStringList candidates {tablePath.toLower()};
              const QStringList parts = tablePath.toLower().split(QLatin1Char('.'));
              if (parts.size() >= 2)
                  candidates << parts.mid(parts.size() - 2).join(QLatin1Char('.'));
              candidates << QStringLiteral("main.") + tableName.toLower() << tableName.toLower();
              for (const QString &candidate : std::as_const(candidates)) {
                  const auto it = map.constFind(candidate);
                  if (it != map.cend())
                      return *it;
              }
              return tableName;
          };

    for (const QString &raw : values) {
        DictionaryValueResult result;
        result.value = raw;
        const QString wanted = raw.trimmed().toLower();
        for (const DictionaryCoverage &cov : std::as_const(response.searched)) {
            if (cov.status != QLatin1String("ready")) {
                result.misses << DictionaryMiss {cov.connectionId, cov.status};
                continue;
            }
            QList<DictionaryMatch> matches;
            for (const bool exact : {true, false}) {
                if (!exact && wanted.size() < 3)
                    break;
                QSqlQuery q(c.db());
                QString pattern = wanted;
                pattern.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
                    .replace(QLatin1Char('%'), QLatin1String("\\%"))
                    .replace(QLatin1Char('_'), QLatin1String("\\_"));
                q.prepare(
                    exact ? QStringLiteral(
                        "SELECT table_path, table_name, column_name, value, cardinality FROM "
                        "search_dictionary WHERE connection_id = ? AND value_lower = ? ORDER "
                        "BY table_path, column_name, value LIMIT 20")
                          : QStringLiteral(
                              "SELECT table_path, table_name, column_name, value, cardinality "
                              "FROM search_dictionary WHERE connection_id = ? AND "
                              "value_lower LIKE ? ESCAPE '\\' ORDER BY length(value), "
                              "table_path, column_name, value LIMIT 20"));
                q.addBindValue(cov.connectionId);
                q.addBindValue(exact ? wanted
                                     : QString(QLatin1Char('%') + pattern + QLatin1Char('%')));
                if (!q.exec())
                    return dbError(QStringLiteral("searching values"), q.lastError());
                while (q.next()) {
                    DictionaryMatch m;
                    m.connectionId = cov.connectionId;
                    m.sourceName
                        = sourceFor(cov.connectionId, q.value(0).toString(), q.value(1).toString());
                    m.columnName = q.value(2).toString();
                    m.matchedValue = q.value(3).toString();
                    if (!q.value(4).isNull())
                        m.cardinality = q.value(4).toLongLong();
                    matches << m;
                }
                if (!matches.isEmpty())
                    break;
            }
            if (matches.isEmpty())
                result.misses << DictionaryMiss {cov.connectionId,
                                                 QStringLiteral("value_not_in_sample")};
            result.matches += matches;
        }
        response.results << result;
    }
    return response;
}

} // namespace ktx
