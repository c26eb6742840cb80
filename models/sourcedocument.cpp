#include "sourcedocument.h"

#include "core/atomicfile.h"
#include "semantic/sourcetextcheck.h"
#include "sourceissuemodel.h"

#include <QFile>
#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

namespace {

struct OpenOutcome
{
    bool ok = false;
    QString text;
    QString error;
    QList<SemanticSource> siblings;
};

struct DiskOutcome
{
    bool exists = false;
    QString text;
};

DiskOutcome readDisk(const QString &path)
{
    DiskOutcome outcome;
    QFile f(path);
    if (f.open(QIODevice::ReadOnly)) {
        outcome.exists = true;
        outcome.text = QString::fromUtf8(f.readAll());
    }
    return outcome;
}

// Runs fn on the thread pool and hands its result to done on context's thread;
// nothing is delivered once context is gone.
template<typename Fn, typename Done> void runAsync(QObject *context, Fn fn, Done done)
{
    using R = decltype(fn());
    auto *watcher = new QFutureWatcher<R>(context);
    QObject::connect(watcher, &QFutureWatcher<R>::finished, context, [watcher, done] {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(std::move(fn)));
}

} // namespace

SourceDocument::SourceDocument(QObject *parent)
    : QObject(parent)
    , m_issues(new SourceIssueModel(this))
    , m_debounce(new QTimer(this))
{
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(DefaultDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &SourceDocument::startCheck);
}

SourceDocument::~SourceDocument() = default;

void SourceDocument::open(const QString &filePath)
{
    close();
    m_filePath = filePath;
    m_loading = true;
    const quint64 generation = ++m_openGeneration;
    runAsync(
        this,
        [filePath] {
            OpenOutcome outcome;
            QFile f(filePath);
            if (!f.open(QIODevice::ReadOnly)) {
                outcome.error = f.errorString();
                return outcome;
            }
            outcome.ok = true;
            outcome.text = QString::fromUtf8(f.readAll());
            outcome.siblings = SourceTextCheck::siblingsOf(filePath);
            return outcome;
        },
        [this, generation](const OpenOutcome &outcome) {
            if (generation != m_openGeneration)
                return;
            m_loading = false;
            if (!outcome.ok) {
                const QString path = m_filePath;
                close();
                Q_EMIT loadFailed(tr("Cannot read %1: %2").arg(path, outcome.error));
                return;
            }
            m_siblings = outcome.siblings;
            setLoaded(outcome.text);
            watch();
        });
}

void SourceDocument::close()
{
    ++m_openGeneration;
    ++m_checkGeneration;
    ++m_diskGeneration;
    m_debounce->stop();
    delete m_watcher;
    m_watcher = nullptr;
    m_filePath.clear();
    m_text.clear();
    m_savedText.clear();
    m_pendingDiskText.clear();
    m_siblings.clear();
    m_loading = false;
    m_checking = false;
    m_issues->setIssues({});
    updateDirty();
}

void SourceDocument::setLoaded(const QString &text)
{
    m_savedText = text;
    m_text = text;
    m_pendingDiskText.clear();
    Q_EMIT loaded(text);
    updateDirty();
    checkNow();
}

void SourceDocument::setText(const QString &text)
{
    if (!isOpen() || m_loading || text == m_text)
        return;
    m_text = text;
    updateDirty();
    scheduleCheck();
}

void SourceDocument::setDebounceInterval(int ms)
{
    m_debounce->setInterval(ms);
}

void SourceDocument::scheduleCheck()
{
    // Every keystroke restarts the wait; only a pause starts a check.
    m_debounce->start();
}

void SourceDocument::checkNow()
{
    m_debounce->stop();
    startCheck();
}

void SourceDocument::startCheck()
{
    if (!isOpen())
        return;
    const quint64 generation = ++m_checkGeneration;
    const QByteArray text = m_text.toUtf8();
    const QString path = m_filePath;
    const QList<SemanticSource> siblings = m_siblings;
    m_checking = true;
    Q_EMIT checkStarted();
    runAsync(
        this, [text, path, siblings] { return SourceTextCheck::check(text, path, siblings); },
        [this, generation](const QList<SourceIssue> &issues) {
            // A newer keystroke started another check: this answer is stale.
            if (generation != m_checkGeneration)
                return;
            m_checking = false;
            m_issues->setIssues(issues);
            Q_EMIT checked();
        });
}

bool SourceDocument::hasErrors() const
{
    return m_issues->errorCount() > 0;
}

void SourceDocument::save()
{
    if (!isOpen() || m_saving)
        return;
    const QString path = m_filePath;
    const QString text = m_text;
    m_saving = true;
    Q_EMIT savingChanged(true);
    const quint64 generation = m_openGeneration;
    runAsync(
        this, [path, text] { return AtomicFile::write(path, text.toUtf8()); },
        [this, generation, text](const Result<void> &result) {
            m_saving = false;
            Q_EMIT savingChanged(false);
            if (generation != m_openGeneration)
                return;
            if (!result.ok()) {
                Q_EMIT saveFailed(result.error());
                return;
            }
            m_savedText = text;
            m_pendingDiskText.clear();
            updateDirty();
            // The rename replaced the watched inode; watch the new file.
            watch();
            Q_EMIT saved();
        });
}

void SourceDocument::revert()
{
    if (!isOpen() || m_loading)
        return;
    setLoaded(m_savedText);
}

void SourceDocument::reloadFromDisk()
{
    if (!isOpen())
        return;
    const quint64 generation = ++m_diskGeneration;
    runAsync(
        this, [path = m_filePath] { return readDisk(path); },
        [this, generation](const DiskOutcome &disk) {
            if (generation != m_diskGeneration || !disk.exists)
                return;
            setLoaded(disk.text);
        });
}

void SourceDocument::watch()
{
    if (!m_watcher) {
        m_watcher = new QFileSystemWatcher(this);
        connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &SourceDocument::onFileChanged);
    }
    if (!m_watcher->files().contains(m_filePath))
        m_watcher->addPath(m_filePath);
}

void SourceDocument::onFileChanged()
{
    // Editors and git replace files by rename, which ends the watch on the old inode.
    if (m_watcher && QFile::exists(m_filePath) && !m_watcher->files().contains(m_filePath))
        m_watcher->addPath(m_filePath);
    if (m_saving || m_loading)
        return;
    const quint64 generation = ++m_diskGeneration;
    runAsync(
        this, [path = m_filePath] { return readDisk(path); },
        [this, generation](const DiskOutcome &disk) {
            if (generation != m_diskGeneration || m_saving || !isOpen())
                return;
            if (m_watcher && disk.exists && !m_watcher->files().contains(m_filePath))
                m_watcher->addPath(m_filePath);
            // Our own save, or a touch that changed nothing: not news.
            if (!disk.exists || disk.text == m_savedText || disk.text == m_pendingDiskText)
                return;
            m_pendingDiskText = disk.text;
            Q_EMIT externallyChanged(isDirty());
        });
}

void SourceDocument::updateDirty()
{
    const bool dirty = isDirty();
    if (dirty == m_wasDirty)
        return;
    m_wasDirty = dirty;
    Q_EMIT dirtyChanged(dirty);
}

} // namespace ktx
