#pragma once

#include "ingest/runstore.h"
#include "ingest/textmemoryingest.h"

#include <QJsonObject>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <optional>

namespace ktx {

// What the run view's report is made of: the run's record, its report JSON
// and, for a text-memory run, what the note captured. A value, read off the
// GUI thread and handed over whole.
struct RunReportData
{
    QString projectDir;
    QString runId;
    std::optional<IngestRunRecord> record; // nullopt: the store has no such run
    std::optional<QJsonObject> report; // nullopt: the run saved no report (yet)
    std::optional<TextMemoryStatus> captured; // text-memory runs only
    QString error; // the run store could not be opened

    // Blocking (SQLite, and git for a note's cross references): worker threads only.
    static RunReportData read(const QString &projectDir, const QString &runId);
};

// Reads a run's RunReportData on the thread pool and delivers it in the
// loader's thread. A newer load (or clear) drops the answer of an older one,
// so a slow read never replaces the report of the run now shown.
class RunReportLoader : public QObject
{
    Q_OBJECT

public:
    explicit RunReportLoader(QObject *parent = nullptr);

    void load(const QString &projectDir, const QString &runId);
    void clear();
    bool isLoading() const { return m_loading; }
    QString runId() const { return m_runId; }

Q_SIGNALS:
    void loaded(const ktx::RunReportData &data);

private:
    quint64 m_generation = 0;
    bool m_loading = false;
    QString m_runId;
};

} // namespace ktx

Q_DECLARE_METATYPE(ktx::RunReportData)
