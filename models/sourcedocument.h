#pragma once

#include "core/result.h"
#include "semantic/semanticsource.h"
#include "semantic/sourceissue.h"

#include <QObject>
#include <QString>

class QFileSystemWatcher;
class QTimer;

namespace ktx {

class SourceIssueModel;

// One semantic-layer YAML file being edited: the text on disk and the text in
// the editor, validation as the user types (debounced, on the thread pool,
// stale results dropped), atomic saves (a failed save leaves the file as it
// was) and detection of changes made to the file by someone else. All file
// access runs on the thread pool; results come back as signals.
class SourceDocument : public QObject
{
    Q_OBJECT

public:
    static constexpr int DefaultDebounceMs = 300;

    explicit SourceDocument(QObject *parent = nullptr);
    ~SourceDocument() override;

    // Reads the file and its connection's other sources; loaded() follows.
    void open(const QString &filePath);
    void close();
    QString filePath() const { return m_filePath; }
    bool isOpen() const { return !m_filePath.isEmpty(); }
    bool isLoading() const { return m_loading; }

    // The editor's text changed: marks the document dirty and schedules a check.
    void setText(const QString &text);
    QString text() const { return m_text; }
    QString diskText() const { return m_savedText; }
    bool isDirty() const { return m_text != m_savedText; }

    void setDebounceInterval(int ms);
    // Checks the current text at once (skipping the debounce).
    void checkNow();
    bool isChecking() const { return m_checking; }
    SourceIssueModel *issueModel() const { return m_issues; }
    bool hasErrors() const;

    // Writes the current text atomically; saved() or saveFailed() follows.
    void save();
    bool isSaving() const { return m_saving; }
    // Back to the text on disk as last read or saved.
    void revert();
    // Accepts the file's current content after externallyChanged().
    void reloadFromDisk();

Q_SIGNALS:
    void loaded(const QString &text); // the editor should show this text
    void loadFailed(const QString &message);
    void dirtyChanged(bool dirty);
    void checkStarted();
    void checked(); // issueModel() holds the issues of the current text
    void saved();
    void saveFailed(const ktx::Error &error);
    // The file on disk no longer holds what we last read or saved. `dirty`: the
    // editor has unsaved changes that a reload would discard.
    void externallyChanged(bool dirty);
    void savingChanged(bool saving);

private:
    void scheduleCheck();
    void startCheck();
    void setLoaded(const QString &text);
    void onFileChanged();
    void watch();
    void updateDirty();

    QString m_filePath;
    QString m_text;
    QString m_savedText;
    QString m_pendingDiskText; // what the file holds after an external change
    QList<SemanticSource> m_siblings;
    SourceIssueModel *m_issues;
    QTimer *m_debounce;
    QFileSystemWatcher *m_watcher = nullptr;
    quint64 m_openGeneration = 0;
    quint64 m_checkGeneration = 0;
    quint64 m_diskGeneration = 0;
    bool m_loading = false;
    bool m_checking = false;
    bool m_saving = false;
    bool m_wasDirty = false;
};

} // namespace ktx
