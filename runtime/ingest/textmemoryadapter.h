#pragma once

#include "ingest/ingestsourceadapter.h"

#include <QByteArray>
#include <QString>

namespace ktx {

// Text memory (ktx-spec §9.5, MCP memory_ingest): one captured Markdown note or
// file becomes one work unit of the memory agent, which decides what to persist
// as wiki pages and, when the note is tagged with a connection, semantic-layer
// edits. The note itself is the raw evidence, landed with the run under
// raw-sources/<connectionId|_global>/text-memory/<syncId>/<fileName>, beside
// capture.json (label, file, userId, connectionId): who asked to remember it.
// The memory agent works in its user's wiki scope: it sees wiki/user/<userId>/
// pages over the global ones and may write personal notes there.
class TextMemoryAdapter : public IngestSourceAdapter
{
public:
    struct Note
    {
        QString label; // what the user calls it: "text 1", a file path, "stdin"
        QString fileName; // name inside the sync folder, e.g. note.md
        QByteArray content;
    };

    // `userId` must be a valid wiki user id (WikiStore::isValidUserId).
    TextMemoryAdapter(Note note, QString connectionId, QString syncId, QString userId);

    // YYYY-MM-DD-HHMMSS-<jobId> (UTC), the original's sync id form.
    static QString syncIdFor(const QString &jobId);
    // raw-sources/<connectionId>/text-memory, or raw-sources/_global/text-memory
    // for a note without a connection.
    static QString rawFolder(const QString &connectionId);
    // A file name safe inside the sync folder, ending in .md.
    static QString fileNameFor(const QString &label);

    QString syncDir() const;
    QString notePath() const;
    QString capturePath() const; // <syncDir>/capture.json

    QString sourceKey() const override { return QStringLiteral("text-memory"); }
    Result<QString> latestSync(const BaseTree &base, const QString &connectionId) const override;
    QList<WorkUnit> plan(const BaseTree &base, const QString &syncDir,
                         const IngestDiff &diff) const override;
    QString skillPrompt() const override;
    QMap<QString, QByteArray> capturedFiles() const override;
    QString userId() const override { return m_userId; }

private:
    Note m_note;
    QString m_connectionId;
    QString m_syncId;
    QString m_userId;
};

} // namespace ktx
