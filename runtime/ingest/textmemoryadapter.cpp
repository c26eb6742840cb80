#include "ingest/textmemoryadapter.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace ktx {

TextMemoryAdapter::TextMemoryAdapter(Note note, QString connectionId, QString syncId,
                                     QString userId)
    : m_note(std::move(note))
    , m_connectionId(std::move(connectionId))
    , m_syncId(std::move(syncId))
    , m_userId(std::move(userId))
{
    if (m_note.fileName.isEmpty())
        m_note.fileName = fileNameFor(m_note.label);
}

QString TextMemoryAdapter::syncIdFor(const QString &jobId)
{
    return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd-HHmmss"))
        + QLatin1Char('-') + jobId;
}

QString TextMemoryAdapter::rawFolder(const QString &connectionId)
{
    // Connection ids never start with an underscore, so untagged notes cannot
    // collide with a connection's evidence.
    return QStringLiteral("raw-sources/%1/text-memory")
        .arg(connectionId.isEmpty() ? QStringLiteral("_global") : connectionId);
}

QString TextMemoryAdapter::fileNameFor(const QString &label)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    QString name = label.section(QLatin1Char('/'), -1).toLower();
    name.replace(unsafe, QStringLiteral("-"));
    while (name.startsWith(QLatin1Char('.')) || name.startsWith(QLatin1Char('-')))
        name.remove(0, 1);
    if (name.endsWith(QLatin1String(".markdown")))
        name.chop(9);
    else if (name.endsWith(QLatin1String(".md")))
        name.chop(3);
    if (name.isEmpty())
        name = QStringLiteral("note");
    return name.left(80) + QStringLiteral(".md");
}

QString TextMemoryAdapter::syncDir() const
{
    return rawFolder(m_connectionId) + QLatin1Char('/') + m_syncId;
}

QString TextMemoryAdapter::notePath() const
{
    return syncDir() + QLatin1Char('/') + m_note.fileName;
}

QString TextMemoryAdapter::capturePath() const
{
    return syncDir() + QStringLiteral("/capture.json");
}

Result<QString> TextMemoryAdapter::latestSync(const BaseTree &base, const QString &) const
{
    // The note was captured by this run, not by an earlier commit.
    if (!base.contains(notePath()))
        return makeError(
            QStringLiteral("no_capture"),
            QStringLiteral("The captured note %1 is not in the run's base.").arg(notePath()));
    return syncDir();
}

QList<WorkUnit> TextMemoryAdapter::plan(const BaseTree &base, const QString &syncDir,
                                        const IngestDiff &) const
{
    // One note, one unit, whatever the diff says: capturing the same words
    // twice is still a request to remember them (the cache makes it cheap).
    const QString path = syncDir + QLatin1Char('/') + m_note.fileName;
    WorkUnit unit;
    unit.unitKey = QStringLiteral("text-memory-") + m_note.fileName.chopped(3);
    unit.displayLabel = m_note.label;
    unit.rawFiles = {path};
    unit.notes = QStringLiteral("Captured note \"%1\" (%2 bytes)%3. Read it with read_raw_file.")
                     .arg(m_note.label)
                     .arg(base.value(path).size())
                     .arg(m_connectionId.isEmpty()
                              ? QStringLiteral(", not tied to a connection: wiki pages only")
                              : QStringLiteral(" about connection %1").arg(m_connectionId));
    return {unit};
}

QString TextMemoryAdapter::skillPrompt() const
{
    QString skill = QStringLiteral(
        "## Skill: wiki_capture\n"
        "You are the memory agent. A person or an agent asked ktx to remember the captured "
        "note (the raw file of this unit). Decide what in it is durable knowledge — business "
        "rules, metric definitions, schema gotchas, recurring findings — and persist only that.\n"
        "- Read the note with read_raw_file. Search the wiki (wiki_search, wiki_read) for pages "
        "that already cover the topic: update such a page rather than writing a duplicate.\n"
        "- Write with wiki_write: a flat key (lowercase words joined by dashes), a one-line "
        "summary, tags, and a Markdown body. You may rewrite, condense, split or re-title the "
        "note; keep its facts exact. refs and sl_refs must name pages and sources that exist.\n"
        "- If the note holds nothing worth keeping (chatter, a question, a one-off), write "
        "nothing and say why.\n"
        "- Before any write call record_verification_ledger with what you checked; cite the "
        "note's raw path in rawPaths of every write.\n");
    if (!m_userId.isEmpty())
        skill += QStringLiteral(
                     "## Skill: user scope\n"
                     "User %1 captured this note. wiki_search, wiki_read and the wiki index show "
                     "the global pages plus this user's own pages (marked \"user %1\"); a user "
                     "page shadows the global page with the same key.\n"
                     "- wiki_write scope \"global\" (the default) is for shared knowledge that "
                     "holds for everyone: business rules, metric definitions, facts about the "
                     "data. Write there unless the note is clearly personal.\n"
                     "- wiki_write scope \"user\" writes wiki/user/%1/<key>.md: this person's own "
                     "preferences and working notes (how they want answers shaped, their "
                     "reminders, their team's shorthand), which other people should not see as "
                     "shared fact.\n"
                     "- A global page may reference only global pages; a user page may reference "
                     "global pages and this user's pages.\n")
                     .arg(m_userId);
    if (!m_connectionId.isEmpty())
        skill += QStringLiteral(
                     "## Skill: sl_capture\n"
                     "The note is about connection %1. When it defines a measure, a segment, a "
                     "column meaning or a join of a source that exists there, also edit that "
                     "semantic source (sl_read_source, then sl_edit_source) and name it in the "
                     "wiki page's sl_refs. Never invent tables or columns: check with sl_discover "
                     "or entity_details first.\n")
                     .arg(m_connectionId);
    return skill;
}

QMap<QString, QByteArray> TextMemoryAdapter::capturedFiles() const
{
    // Who asked to remember the note travels with it, so a reviewer (or a later
    // run) can tell a user's capture from another's.
    const QJsonObject capture {
        {QStringLiteral("label"), m_note.label},
        {QStringLiteral("file"), m_note.fileName},
        {QStringLiteral("userId"), m_userId},
        {QStringLiteral("connectionId"),
         m_connectionId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(m_connectionId)}};
    return {{notePath(), m_note.content},
            {capturePath(), QJsonDocument(capture).toJson(QJsonDocument::Indented)}};
}

} // namespace ktx
