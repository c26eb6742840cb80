#pragma once

#include <QWidget>

#include <functional>

class QAction;
class QLabel;
class QListView;
class QToolButton;

namespace ktx {

class CodeEditor;
class SourceDocument;

// The YAML editor of one semantic-layer source: highlighting, validation as
// you type (inline wavy underlines, gutter markers and an issues list whose
// entries move the cursor), Ctrl+S atomic save that asks before writing a file
// with errors, revert, and a question when the file changed on disk.
class SourceEditor : public QWidget
{
    Q_OBJECT

public:
    explicit SourceEditor(QWidget *parent = nullptr);
    ~SourceEditor() override;

    void openFile(const QString &filePath);
    void closeFile();
    QString filePath() const;
    // Opens filePath (unless already open) and moves the cursor to line:column.
    void showLocation(const QString &filePath, int line, int column);

    SourceDocument *document() const { return m_document; }
    CodeEditor *editor() const { return m_editor; }
    QListView *issueView() const { return m_issues; }
    QAction *saveAction() const { return m_saveAction; }
    QAction *revertAction() const { return m_revertAction; }
    QString statusText() const;

    // Asked before saving a file with errors (default: a message box). Tests
    // answer without a dialog.
    void setConfirmInvalidSave(std::function<bool(int errorCount)> confirm);
    // Asked when the file changed on disk while the editor has unsaved changes:
    // true reloads (default: a message box).
    void setConfirmReload(std::function<bool()> confirm);
    // Whether the user may leave (asks to save or discard unsaved changes).
    bool maybeClose();

public Q_SLOTS:
    void save();
    void revert();

Q_SIGNALS:
    void fileSaved(const QString &filePath);
    void fileLoaded(const QString &filePath);
    void saveFailed(const QString &message);
    void statusChanged();

private:
    void showIssues();
    void updateStatus();
    void doSave();

    SourceDocument *m_document;
    CodeEditor *m_editor;
    QListView *m_issues;
    QLabel *m_title;
    QLabel *m_status;
    QAction *m_saveAction;
    QAction *m_revertAction;
    QToolButton *m_saveButton;
    QToolButton *m_revertButton;
    std::function<bool(int)> m_confirmInvalidSave;
    std::function<bool()> m_confirmReload;
    bool m_applyingText = false;
    bool m_saveAfterCheck = false;
    int m_pendingLine = 0;
    int m_pendingColumn = 0;
    QString m_statusText;
};

} // namespace ktx
