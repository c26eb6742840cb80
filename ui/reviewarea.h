#pragma once

#include <QWidget>

class QAction;
class QLabel;
class QListView;
class QListWidget;
class QSplitter;
class QTextBrowser;
class QToolBar;

namespace ktx {

class DiffView;
class PendingRunModel;
class ProvenancePanel;
class RawFileViewer;
class ReviewFileModel;
class ReviewSession;

// The Review area: runs waiting for review and their files on the left, the
// selected file's diff in the centre (unified or side by side, Markdown
// preview for wiki pages), and the provenance of the current hunk on the
// right. Keyboard review: J/K (Alt+Down/Up) move between hunks across files,
// A/R decide the current hunk, Shift+A/Shift+R the whole file, Ctrl+Enter
// lands the accepted parts; every action is also on the toolbar. The same
// view shows, read-only, the uncommitted edits ("Local changes") and any
// commit of the history (Open commit…, Ctrl+Shift+O).
class ReviewArea : public QWidget
{
    Q_OBJECT

public:
    explicit ReviewArea(QWidget *parent = nullptr);
    ~ReviewArea() override;

    void setProject(const QString &projectDir);
    void clear();
    // Selects a pending run once the list is read (now, when it is).
    void selectRun(const QString &runId);
    void setSideBySide(bool sideBySide);

    ReviewSession *session() const { return m_session; }
    ReviewFileModel *fileModel() const { return m_fileModel; }
    PendingRunModel *runModel() const { return m_runModel; }
    QListView *runList() const { return m_runList; }
    // Shown instead of the run list while no run waits for review.
    QLabel *runsEmptyLabel() const { return m_runsEmpty; }
    // "Local changes" and the commit last opened: read-only reviews.
    QListWidget *changesList() const { return m_changesList; }
    QListView *fileList() const { return m_fileList; }
    DiffView *diffView() const { return m_diff; }
    ProvenancePanel *provenancePanel() const { return m_provenance; }
    QTextBrowser *preview() const { return m_preview; }
    QLabel *banner() const { return m_banner; }
    QLabel *semanticSummary() const { return m_semanticSummary; }
    QToolBar *toolBar() const { return m_toolBar; }
    RawFileViewer *rawViewer() const { return m_rawViewer; }
    QString currentPath() const { return m_currentPath; }
    QList<QAction *> reviewActions() const;

public Q_SLOTS:
    void nextHunk();
    void previousHunk();
    void acceptHunk();
    void rejectHunk();
    void acceptFile();
    void rejectFile();
    void apply();
    void refresh();
    // Read-only: the uncommitted edits, or a commit against its first parent.
    void openLocalChanges();
    void openCommit(const QString &commit);
    void promptOpenCommit(); // asks for the commit, then openCommit

Q_SIGNALS:
    void runsShown(); // the pending-run list is on screen
    void diffShown(const QString &path); // a file's diff is on screen
    void reviewReady(); // decisions and provenance of the open run are loaded
    void applied(bool ok);

private:
    void createActions();
    void openSelectedRun();
    void openSelectedChange();
    void selectFileRow(int row, int hunk);
    void showCurrentDiff();
    void updateDecisionStates();
    void updateProvenance();
    void updatePreview();
    void updateActions();
    void showBanner(const QString &text, int tone); // ReadinessState as int; -1 hides
    void decideCurrent(bool accept, bool wholeFile);

    ReviewSession *m_session;
    PendingRunModel *m_runModel;
    ReviewFileModel *m_fileModel;
    QToolBar *m_toolBar;
    QLabel *m_banner;
    QLabel *m_fileHeader;
    QLabel *m_semanticSummary;
    QListView *m_runList;
    QLabel *m_runsEmpty;
    QListWidget *m_changesList;
    QListView *m_fileList;
    DiffView *m_diff;
    QTextBrowser *m_preview;
    ProvenancePanel *m_provenance;
    QSplitter *m_centre;
    RawFileViewer *m_rawViewer = nullptr;

    QString m_wantedRun;
    bool m_previewSplitSet = false; // the user dragged the diff/preview split
    bool m_runRequested = false; // selectRun asked for m_wantedRun before it was listed
    QString m_currentPath;
    int m_pendingHunk = 0; // where to land in the next diff shown; -1: its last hunk

    QAction *m_prevAction = nullptr;
    QAction *m_nextAction = nullptr;
    QAction *m_acceptAction = nullptr;
    QAction *m_rejectAction = nullptr;
    QAction *m_acceptFileAction = nullptr;
    QAction *m_rejectFileAction = nullptr;
    QAction *m_applyAction = nullptr;
    QAction *m_sideBySideAction = nullptr;
    QAction *m_previewAction = nullptr;
    QAction *m_provenanceAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_openCommitAction = nullptr;
};

} // namespace ktx
