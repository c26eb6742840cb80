#include "ui/reviewarea.h"

#include "models/pendingrunmodel.h"
#include "models/reviewfilemodel.h"
#include "models/reviewsession.h"
#include "status/statusreport.h"
#include "ui/colorscheme.h"
#include "ui/diffview.h"
#include "ui/provenancepanel.h"
#include "ui/rawfileviewer.h"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QPainter>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

namespace ktx {

namespace {

// A file row: the check box, a status letter in its colour, the path (elided
// in the middle, where paths differ least), +/- counts and the
// previously-rejected marker.
class ReviewFileDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    // Rows span the view's width (the path is elided), so no sideways scrolling.
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        return {1, QStyledItemDelegate::sizeHint(option, index).height()};
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString status = index.data(ReviewFileModel::StatusRole).toString();
        const int additions = index.data(ReviewFileModel::AdditionsRole).toInt();
        const int deletions = index.data(ReviewFileModel::DeletionsRole).toInt();
        const bool refused = index.data(ReviewFileModel::PreviouslyRejectedRole).toBool();
        const QString counts = additions < 0
            ? QStringLiteral("…")
            : QStringLiteral("+%1 −%2").arg(additions).arg(deletions);
        const QString letter = status.isEmpty() ? QStringLiteral(" ") : status.left(1).toUpper();
        opt.text.clear();
        const QWidget *widget = opt.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

        QRect text = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget);
        const QFontMetrics fm(opt.font);
        const bool selected = opt.state & QStyle::State_Selected;
        const QPalette &pal = opt.palette;
        const QColor normal = pal.color(selected ? QPalette::HighlightedText : QPalette::Text);
        painter->save();
        painter->setFont(opt.font);
        const ReadinessState tone = status == QLatin1String("added")
            ? ReadinessState::Ok
            : (status == QLatin1String("deleted") ? ReadinessState::Fail : ReadinessState::Warn);
        const int letterWidth = fm.horizontalAdvance(QStringLiteral("M")) + 6;
        painter->setPen(selected ? normal : ColorScheme::stateColor(tone, pal));
        painter->drawText(text.left(), text.top(), letterWidth, text.height(),
                          Qt::AlignLeft | Qt::AlignVCenter, letter);
        QString right = counts;
        if (refused)
            right = QStringLiteral("⟲ ") + right;
        const int rightWidth = fm.horizontalAdvance(right) + 4;
        painter->setPen(selected ? normal : ColorScheme::secondaryText(pal));
        painter->drawText(text.right() - rightWidth, text.top(), rightWidth, text.height(),
                          Qt::AlignRight | Qt::AlignVCenter, right);
        const QRect pathRect(text.left() + letterWidth, text.top(),
                             text.width() - letterWidth - rightWidth - 6, text.height());
        painter->setPen(normal);
        painter->drawText(pathRect, Qt::AlignLeft | Qt::AlignVCenter,
                          fm.elidedText(index.data(ReviewFileModel::PathRole).toString(),
                                        Qt::ElideMiddle, pathRect.width()));
        painter->restore();
    }
};

QString stripFrontMatter(const QString &text)
{
    if (!text.startsWith(QLatin1String("---")))
        return text;
    const qsizetype end = text.indexOf(QLatin1String("\n---"), 3);
    return end < 0 ? text : text.mid(text.indexOf(QLatin1Char('\n'), end + 1) + 1);
}

// The changes list's rows: the work tree, then the commit last opened.
constexpr int CommitRole = Qt::UserRole + 1; // "" for the work tree

} // namespace

ReviewArea::ReviewArea(QWidget *parent)
    : QWidget(parent)
    , m_session(new ReviewSession(this))
    , m_runModel(new PendingRunModel(m_session, this))
    , m_fileModel(new ReviewFileModel(m_session, this))
    , m_toolBar(new QToolBar)
    , m_banner(new QLabel)
    , m_fileHeader(new QLabel)
    , m_semanticSummary(new QLabel)
    , m_runList(new QListView)
    , m_runsEmpty(new QLabel)
    , m_changesList(new QListWidget)
    , m_fileList(new QListView)
    , m_diff(new DiffView)
    , m_preview(new QTextBrowser)
    , m_provenance(new ProvenancePanel)
    , m_centre(new QSplitter(Qt::Horizontal))
{
    setObjectName(QStringLiteral("reviewArea"));
    m_runList->setObjectName(QStringLiteral("pendingRuns"));
    m_runList->setAccessibleName(tr("Runs waiting for review"));
    m_runList->setModel(m_runModel);
    m_runList->setWordWrap(true);
    m_runList->setAlternatingRowColors(true);
    // In place of an empty list: why it is empty and how runs get there.
    m_runsEmpty->setObjectName(QStringLiteral("pendingRunsEmpty"));
    m_runsEmpty->setText(tr("No runs are waiting for review.\nIngest runs wait here when "
                            "review.mode is review (the desktop's default): start one in the "
                            "Ingest area, Ctrl+7."));
    m_runsEmpty->setWordWrap(true);
    m_runsEmpty->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_runsEmpty->setMargin(6);
    m_runsEmpty->setForegroundRole(QPalette::PlaceholderText);
    m_runsEmpty->hide();
    m_changesList->setObjectName(QStringLiteral("reviewChanges"));
    m_changesList->setAccessibleName(tr("Local changes and commits to read"));
    auto *local = new QListWidgetItem(tr("Local changes"), m_changesList);
    local->setData(CommitRole, QString());
    local->setToolTip(tr("Uncommitted edits of the project folder against HEAD (read-only)"));
    m_changesList->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_changesList->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    m_changesList->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Two rows at most (the work tree and one commit): no room taken from the runs.
    m_changesList->setMaximumHeight(2 * (m_changesList->fontMetrics().height() + 8)
                                    + 2 * m_changesList->frameWidth());
    m_fileList->setObjectName(QStringLiteral("reviewFiles"));
    m_fileList->setAccessibleName(tr("Files of the run"));
    m_fileList->setModel(m_fileModel);
    m_fileList->setItemDelegate(new ReviewFileDelegate(m_fileList));
    m_fileList->setUniformItemSizes(true);
    m_fileList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_fileList->setTextElideMode(Qt::ElideMiddle);
    m_preview->setObjectName(QStringLiteral("markdownPreview"));
    m_preview->setOpenLinks(false);
    m_banner->setObjectName(QStringLiteral("reviewBanner"));
    m_banner->setWordWrap(true);
    m_banner->setMargin(8);
    m_banner->setAutoFillBackground(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->hide();
    m_fileHeader->setObjectName(QStringLiteral("reviewFileHeader"));
    m_fileHeader->setMargin(4);
    m_fileHeader->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_semanticSummary->setObjectName(QStringLiteral("semanticSummary"));
    m_semanticSummary->setWordWrap(true);
    m_semanticSummary->setMargin(4);
    m_semanticSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_semanticSummary->hide();

    createActions();

    auto *runsBox = new QWidget;
    auto *runsLayout = new QVBoxLayout(runsBox);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    auto *changesTitle = new QLabel(tr("Changes"));
    auto *runsTitle = new QLabel(tr("Pending runs"));
    auto *filesTitle = new QLabel(tr("Files"));
    for (QLabel *title : {changesTitle, runsTitle, filesTitle}) {
        QFont f = title->font();
        f.setBold(true);
        title->setFont(f);
        title->setMargin(4);
    }
    runsLayout->addWidget(changesTitle);
    runsLayout->addWidget(m_changesList);
    runsLayout->addWidget(runsTitle);
    runsLayout->addWidget(m_runList);
    runsLayout->addWidget(m_runsEmpty, 1);
    auto *filesBox = new QWidget;
    auto *filesLayout = new QVBoxLayout(filesBox);
    filesLayout->setContentsMargins(0, 0, 0, 0);
    filesLayout->addWidget(filesTitle);
    filesLayout->addWidget(m_fileList);
    auto *left = new QSplitter(Qt::Vertical);
    left->addWidget(runsBox);
    left->addWidget(filesBox);
    left->setStretchFactor(0, 1);
    left->setStretchFactor(1, 3);

    auto *centreBox = new QWidget;
    auto *centreLayout = new QVBoxLayout(centreBox);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(0);
    centreLayout->addWidget(m_fileHeader);
    centreLayout->addWidget(m_semanticSummary);
    m_centre->addWidget(m_diff);
    m_centre->addWidget(m_preview);
    m_centre->setStretchFactor(0, 3);
    m_centre->setStretchFactor(1, 2);
    m_preview->hide();
    connect(m_centre, &QSplitter::splitterMoved, this, [this] { m_previewSplitSet = true; });
    centreLayout->addWidget(m_centre, 1);

    auto *main = new QSplitter(Qt::Horizontal);
    main->addWidget(left);
    main->addWidget(centreBox);
    main->addWidget(m_provenance);
    main->setStretchFactor(0, 1);
    main->setStretchFactor(1, 4);
    main->setStretchFactor(2, 2);
    main->setSizes({300, 720, 340});
    left->setSizes({150, 450});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toolBar);
    layout->addWidget(m_banner);
    layout->addWidget(main, 1);

    connect(m_session, &ReviewSession::pendingRunsChanged, this, [this] {
        int row = m_wantedRun.isEmpty() ? -1 : m_runModel->rowOf(m_wantedRun);
        // Local changes or a commit on screen stay there when the list is
        // refreshed, unless a run was asked for by name.
        const bool reading = m_session->isReadOnly() && !(m_runRequested && row >= 0);
        m_runRequested = false;
        if (row < 0 && !reading && m_session->runId().isEmpty() && m_runModel->rowCount() > 0)
            row = 0;
        if (row >= 0 && !reading)
            m_runList->setCurrentIndex(m_runModel->index(row));
        const bool empty = m_runModel->rowCount() == 0;
        m_runList->setVisible(!empty);
        m_runsEmpty->setVisible(empty);
        if (empty && !reading) {
            m_diff->showMessage(tr("No runs are waiting for review.\nRuns of an ingest with "
                                   "review.mode: review appear here."));
            m_provenance->clear(QString());
            m_fileHeader->clear();
        }
        updateActions();
        Q_EMIT runsShown();
    });
    connect(m_runList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ReviewArea::openSelectedRun);
    // Selection, not the current item: a list view taking focus makes its
    // first row current without selecting it, which must not open anything.
    connect(m_changesList, &QListWidget::itemSelectionChanged, this,
            &ReviewArea::openSelectedChange);
    connect(m_session, &ReviewSession::filesListed, this, [this] {
        if (m_fileModel->rowCount() > 0)
            selectFileRow(0, 0);
        else if (m_session->source() == ReviewSession::Source::WorkTree)
            m_diff->showMessage(tr("No uncommitted changes: the work tree matches HEAD."));
        else if (m_session->source() == ReviewSession::Source::Commit)
            m_diff->showMessage(tr("This commit changes no files."));
        else
            m_diff->showMessage(tr("This run changes no files."));
        updateActions();
    });
    connect(m_session, &ReviewSession::reviewLoaded, this, [this] {
        // The model was reset: keep the file that is on screen selected.
        const int row = m_session->indexOf(m_currentPath);
        if (row >= 0)
            m_fileList->selectionModel()->setCurrentIndex(m_fileModel->index(row),
                                                          QItemSelectionModel::ClearAndSelect);
        else if (m_fileModel->rowCount() > 0)
            selectFileRow(0, 0);
        // A renamed file was first shown as added; its diff is read again.
        if (!m_session->cachedDiff(m_currentPath) && !m_currentPath.isEmpty())
            showCurrentDiff();
        if (m_session->source() == ReviewSession::Source::Commit && m_changesList->count() > 1)
            m_changesList->item(1)->setText(tr("Commit %1").arg(m_session->commitTitle()));
        updateDecisionStates();
        updateProvenance();
        updateActions();
        Q_EMIT reviewReady();
    });
    connect(m_session, &ReviewSession::openFailed, this, [this](const QString &message) {
        showBanner(message, int(ReadinessState::Fail));
        if (m_session->isReadOnly() && m_session->files().isEmpty()) {
            m_diff->showMessage(tr("Nothing to show."));
            m_fileHeader->clear();
            m_provenance->clear(QString());
        }
    });
    connect(m_fileList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (!current.isValid())
                    return;
                const QString path = current.data(ReviewFileModel::PathRole).toString();
                if (path == m_currentPath)
                    return;
                m_currentPath = path;
                showCurrentDiff();
            });
    connect(m_session, &ReviewSession::diffReady, this, [this](const QString &path) {
        if (path == m_currentPath)
            showCurrentDiff();
    });
    connect(m_session, &ReviewSession::decisionsChanged, this, [this] {
        updateDecisionStates();
        updateActions();
    });
    connect(m_session, &ReviewSession::decisionFailed, this,
            [this](const QString &message) { showBanner(message, int(ReadinessState::Fail)); });
    connect(
        m_session, &ReviewSession::applyFinished, this,
        [this](bool ok, const QString &message, const QString &, const QStringList &leftOut) {
            if (ok) {
                QString text = message;
                if (!leftOut.isEmpty())
                    text += tr("\nLeft out: %1").arg(leftOut.mid(0, 12).join(QStringLiteral(", ")))
                        + (leftOut.size() > 12 ? tr(" … (%1 more)").arg(leftOut.size() - 12)
                                               : QString());
                showBanner(text, int(ReadinessState::Ok));
                m_currentPath.clear();
                m_session->clear();
                m_diff->showMessage(tr("Run applied."));
                m_provenance->clear(QString());
                m_fileHeader->clear();
                m_session->refreshRuns();
            } else {
                showBanner(tr("Nothing was landed; the run stays pending and your decisions "
                              "are kept.\n%1")
                               .arg(message),
                           int(ReadinessState::Fail));
            }
            updateActions();
            Q_EMIT applied(ok);
        });
    connect(m_session, &ReviewSession::busyChanged, this, [this] { updateActions(); });
    connect(m_diff, &DiffView::decisionRequested, this,
            [this](int hunk, bool accept) { m_session->decide(m_currentPath, hunk, accept); });
    connect(m_diff, &DiffView::currentHunkChanged, this, [this] { updateProvenance(); });
    connect(m_provenance, &ProvenancePanel::evidenceActivated, this,
            [this](const QString &path, int first, int last) {
                m_session->requestRaw(path);
                // The range travels with the viewer until the bytes arrive.
                if (!m_rawViewer)
                    m_rawViewer = new RawFileViewer(this);
                m_rawViewer->setProperty("firstLine", first);
                m_rawViewer->setProperty("lastLine", last);
            });
    connect(m_session, &ReviewSession::rawReady, this,
            [this](const QString &path, const QByteArray &bytes) {
                if (!m_rawViewer)
                    m_rawViewer = new RawFileViewer(this);
                m_rawViewer->showFile(path, bytes, m_rawViewer->property("firstLine").toInt(),
                                      m_rawViewer->property("lastLine").toInt());
                m_rawViewer->show();
                m_rawViewer->raise();
            });
    connect(m_session, &ReviewSession::rawFailed, this,
            [this](const QString &, const QString &message) {
                showBanner(message, int(ReadinessState::Warn));
            });
    m_diff->showMessage(tr("Open a project to review its pending runs."));
    updateActions();
}

ReviewArea::~ReviewArea() = default;

void ReviewArea::createActions()
{
    const auto make
        = [this](const QString &text, const QList<QKeySequence> &keys, const QString &name) {
              auto *action = new QAction(text, this);
              action->setObjectName(name);
              action->setShortcuts(keys);
              // Single-letter keys act only while the Review area has focus.
              action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
              action->setToolTip(QStringLiteral("%1 (%2)").arg(
                  QString(text).remove(QLatin1Char('&')),
                  QKeySequence::listToString(keys, QKeySequence::NativeText)));
              addAction(action);
              return action;
          };
    m_prevAction
        = make(tr("Previous hunk"), {QKeySequence(Qt::Key_K), QKeySequence(Qt::ALT | Qt::Key_Up)},
               QStringLiteral("previousHunk"));
    m_nextAction
        = make(tr("Next hunk"), {QKeySequence(Qt::Key_J), QKeySequence(Qt::ALT | Qt::Key_Down)},
               QStringLiteral("nextHunk"));
    m_acceptAction
        = make(tr("Accept hunk"), {QKeySequence(Qt::Key_A)}, QStringLiteral("acceptHunk"));
    m_rejectAction
        = make(tr("Reject hunk"), {QKeySequence(Qt::Key_R)}, QStringLiteral("rejectHunk"));
    m_acceptFileAction = make(tr("Accept file"), {QKeySequence(Qt::SHIFT | Qt::Key_A)},
                              QStringLiteral("acceptFile"));
    m_rejectFileAction = make(tr("Reject file"), {QKeySequence(Qt::SHIFT | Qt::Key_R)},
                              QStringLiteral("rejectFile"));
    m_applyAction
        = make(tr("Apply"),
               {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)},
               QStringLiteral("applyReview"));
    m_sideBySideAction
        = make(tr("Side by side"), {QKeySequence(Qt::Key_S)}, QStringLiteral("sideBySide"));
    m_sideBySideAction->setCheckable(true);
    m_previewAction
        = make(tr("Preview"), {QKeySequence(Qt::Key_P)}, QStringLiteral("markdownPreview"));
    m_previewAction->setCheckable(true);
    m_previewAction->setChecked(true);
    m_provenanceAction
        = make(tr("Provenance"), {QKeySequence(Qt::Key_I)}, QStringLiteral("showProvenance"));
    m_provenanceAction->setCheckable(true);
    m_provenanceAction->setChecked(true);
    m_refreshAction = make(tr("Refresh"), {QKeySequence(Qt::SHIFT | Qt::Key_F5)},
                           QStringLiteral("refreshReview"));
    m_openCommitAction = make(tr("Open commit…"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O)},
                              QStringLiteral("openCommit"));

    connect(m_prevAction, &QAction::triggered, this, &ReviewArea::previousHunk);
    connect(m_nextAction, &QAction::triggered, this, &ReviewArea::nextHunk);
    connect(m_acceptAction, &QAction::triggered, this, &ReviewArea::acceptHunk);
    connect(m_rejectAction, &QAction::triggered, this, &ReviewArea::rejectHunk);
    connect(m_acceptFileAction, &QAction::triggered, this, &ReviewArea::acceptFile);
    connect(m_rejectFileAction, &QAction::triggered, this, &ReviewArea::rejectFile);
    connect(m_applyAction, &QAction::triggered, this, &ReviewArea::apply);
    connect(m_refreshAction, &QAction::triggered, this, &ReviewArea::refresh);
    connect(m_openCommitAction, &QAction::triggered, this, &ReviewArea::promptOpenCommit);
    connect(m_sideBySideAction, &QAction::toggled, this, [this](bool on) {
        m_diff->setMode(on ? DiffView::Mode::SideBySide : DiffView::Mode::Unified);
        updateDecisionStates();
    });
    connect(m_previewAction, &QAction::toggled, this, [this] { updatePreview(); });
    connect(m_provenanceAction, &QAction::toggled, m_provenance, &QWidget::setVisible);

    m_toolBar->setObjectName(QStringLiteral("reviewToolBar"));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_toolBar->addAction(m_applyAction);
    m_toolBar->addSeparator();
    for (QAction *a : {m_prevAction, m_nextAction})
        m_toolBar->addAction(a);
    m_toolBar->addSeparator();
    for (QAction *a : {m_acceptAction, m_rejectAction, m_acceptFileAction, m_rejectFileAction})
        m_toolBar->addAction(a);
    m_toolBar->addSeparator();
    for (QAction *a : {m_sideBySideAction, m_previewAction, m_provenanceAction})
        m_toolBar->addAction(a);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_refreshAction);
    m_toolBar->addAction(m_openCommitAction);
    // Toolbar buttons show each action's key next to a short name (menus show
    // the full name and the key in their shortcut column).
    const QList<QPair<QAction *, QString>> labels {
        {m_prevAction, tr("Prev K")},          {m_nextAction, tr("Next J")},
        {m_acceptAction, tr("Accept A")},      {m_rejectAction, tr("Reject R")},
        {m_acceptFileAction, tr("File ✓ ⇧A")}, {m_rejectFileAction, tr("File ✗ ⇧R")},
        {m_sideBySideAction, tr("Split S")},   {m_previewAction, tr("Preview P")},
        {m_provenanceAction, tr("Why I")},     {m_refreshAction, tr("Refresh")},
        {m_applyAction, tr("Apply Ctrl+↵")},   {m_openCommitAction, tr("Commit… ⇧^O")}};
    for (const auto &label : labels)
        label.first->setIconText(label.second);
}

QList<QAction *> ReviewArea::reviewActions() const
{
    return {m_prevAction,       m_nextAction,       m_acceptAction,     m_rejectAction,
            m_acceptFileAction, m_rejectFileAction, m_sideBySideAction, m_previewAction,
            m_provenanceAction, m_refreshAction,    m_applyAction,      m_openCommitAction};
}

void ReviewArea::setProject(const QString &projectDir)
{
    clear();
    m_session->setProject(projectDir);
    m_session->refreshRuns();
}

void ReviewArea::clear()
{
    m_currentPath.clear();
    m_session->clear();
    m_runsEmpty->hide();
    m_runList->show();
    m_diff->showMessage(tr("No run selected."));
    m_provenance->clear(QString());
    m_fileHeader->clear();
    showBanner({}, -1);
    // A commit opened belongs to the project that was open.
    const QSignalBlocker quiet(m_changesList);
    m_changesList->clearSelection();
    m_changesList->setCurrentRow(-1);
    while (m_changesList->count() > 1)
        delete m_changesList->takeItem(1);
}

void ReviewArea::selectRun(const QString &runId)
{
    m_wantedRun = runId;
    m_runRequested = true;
    const int row = m_runModel->rowOf(runId);
    if (row >= 0) {
        m_runRequested = false;
        m_runList->setCurrentIndex(m_runModel->index(row));
    } else if (!m_session->projectDir().isEmpty()) {
        // A run that finished after the list was read (Open in Review).
        m_session->refreshRuns();
    }
}

void ReviewArea::setSideBySide(bool sideBySide)
{
    m_sideBySideAction->setChecked(sideBySide);
}

void ReviewArea::refresh()
{
    m_wantedRun = m_session->runId();
    m_session->refreshRuns();
    if (m_session->isReadOnly())
        openSelectedChange(); // local edits change under the user's hands
}

void ReviewArea::openLocalChanges()
{
    {
        const QSignalBlocker quiet(m_changesList);
        m_changesList->setCurrentRow(0);
        m_changesList->item(0)->setSelected(true);
    }
    openSelectedChange(); // also when already selected: read it again
}

void ReviewArea::openCommit(const QString &commit)
{
    const QString wanted = commit.trimmed();
    if (wanted.isEmpty())
        return;
    if (m_changesList->count() < 2)
        new QListWidgetItem(m_changesList);
    QListWidgetItem *item = m_changesList->item(1);
    item->setText(tr("Commit %1").arg(wanted));
    item->setToolTip(tr("A commit of the history against its first parent (read-only)"));
    item->setData(CommitRole, wanted);
    {
        const QSignalBlocker quiet(m_changesList);
        m_changesList->setCurrentRow(1);
        item->setSelected(true);
    }
    openSelectedChange();
}

void ReviewArea::promptOpenCommit()
{
    if (m_session->projectDir().isEmpty())
        return;
    bool ok = false;
    const QString commit = QInputDialog::getText(
        this, tr("Open commit"), tr("Commit id, abbreviated id or ref (e.g. HEAD~2):"),
        QLineEdit::Normal, m_session->commitRequested(), &ok);
    if (ok)
        openCommit(commit);
}

void ReviewArea::openSelectedChange()
{
    const QList<QListWidgetItem *> selected = m_changesList->selectedItems();
    if (selected.isEmpty() || m_session->projectDir().isEmpty())
        return;
    const QListWidgetItem *item = selected.first();
    const QString commit = item->data(CommitRole).toString();
    // The run list lets go, so selecting the same run again reopens it.
    m_wantedRun.clear();
    m_runList->selectionModel()->clearCurrentIndex();
    m_runList->clearSelection();
    m_currentPath.clear();
    showBanner({}, -1);
    m_fileHeader->clear();
    if (commit.isEmpty()) {
        m_diff->showMessage(tr("Reading the uncommitted changes…"));
        m_session->openWorkTree();
    } else {
        m_diff->showMessage(tr("Reading commit %1…").arg(commit));
        m_session->openCommit(commit);
    }
    updateProvenance();
    updateActions();
}

void ReviewArea::openSelectedRun()
{
    const QString runId = m_runList->currentIndex().data(PendingRunModel::RunIdRole).toString();
    if (runId.isEmpty() || runId == m_session->runId())
        return;
    {
        const QSignalBlocker quiet(m_changesList);
        m_changesList->clearSelection();
    }
    m_currentPath.clear();
    showBanner({}, -1);
    m_diff->showMessage(tr("Reading run %1…").arg(runId));
    m_provenance->clear(tr("Reading the run's provenance…"));
    m_session->openRun(runId);
    updateActions();
}

void ReviewArea::selectFileRow(int row, int hunk)
{
    if (row < 0 || row >= m_fileModel->rowCount())
        return;
    m_pendingHunk = hunk;
    m_fileList->selectionModel()->setCurrentIndex(m_fileModel->index(row),
                                                  QItemSelectionModel::ClearAndSelect);
    m_fileList->scrollTo(m_fileModel->index(row));
}

void ReviewArea::showCurrentDiff()
{
    const auto diff = m_session->cachedDiff(m_currentPath);
    if (!diff) {
        m_diff->showMessage(tr("Reading %1…").arg(m_currentPath));
        m_fileHeader->setText(m_currentPath);
        m_session->requestDiff(m_currentPath);
        return;
    }
    m_diff->setDiff(*diff);
    const int target = m_pendingHunk < 0 ? diff->hunks.size() - 1 : m_pendingHunk;
    m_pendingHunk = 0;
    updateDecisionStates();
    m_diff->setCurrentHunk(std::max(0, target));
    updatePreview();
    updateProvenance();
    updateActions();
    Q_EMIT diffShown(m_currentPath);
}

void ReviewArea::updateDecisionStates()
{
    const int row = m_session->indexOf(m_currentPath);
    QList<std::optional<bool>> states(m_diff->hunkCount());
    QList<bool> refused(m_diff->hunkCount(), false);
    QString summary;
    const bool readOnly = m_session->isReadOnly();
    if (row >= 0 && m_session->isLoaded()) {
        const ReviewFile &file = m_session->files().at(row);
        for (int i = 0; i < file.hunks.size() && i < states.size() && !readOnly; ++i) {
            states[i] = file.hunks.at(i).accepted;
            refused[i] = file.hunks.at(i).previouslyRejected;
        }
        const QString where = file.diff.oldPath.isEmpty()
            ? m_currentPath
            : tr("%1 → %2").arg(file.diff.oldPath, m_currentPath);
        summary = tr("%1 · %2 · +%3 −%4 · %5 hunk(s) · %6")
                      .arg(where, FileDiff::statusName(file.diff.status))
                      .arg(file.diff.additions())
                      .arg(file.diff.deletions())
                      .arg(file.hunks.size())
                      .arg(readOnly ? tr("read-only") : m_fileModel->decisionOf(row));
    } else {
        summary = m_currentPath;
    }
    if (!m_currentPath.isEmpty())
        m_fileHeader->setText(summary);
    // What the change means (semantic-layer sources, wiki pages), beside the text diff.
    const QStringList meaning = row >= 0 && m_session->isLoaded()
        ? m_session->files().at(row).semanticChanges
        : QStringList();
    m_semanticSummary->setText(meaning.isEmpty()
                                   ? QString()
                                   : QStringLiteral("• ") + meaning.join(QStringLiteral("\n• ")));
    m_semanticSummary->setVisible(!meaning.isEmpty());
    m_diff->setReadOnly(readOnly);
    m_diff->setHunkStates(states, refused, m_session->isLoaded() && !readOnly);
}

void ReviewArea::updateProvenance()
{
    // Only ingest runs record who wrote a hunk and why.
    if (m_session->source() == ReviewSession::Source::WorkTree) {
        m_provenance->clear(tr("Local edits have no provenance: they were made in the project "
                               "folder, not by an ingest run. Nothing here can be accepted or "
                               "rejected; commit them with git."));
        return;
    }
    if (m_session->source() == ReviewSession::Source::Commit) {
        m_provenance->clear(tr("A commit of the history has no provenance here: only runs "
                               "waiting for review keep the tool call behind each hunk. This "
                               "view is read-only."));
        return;
    }
    const int row = m_session->indexOf(m_currentPath);
    if (row < 0) {
        m_provenance->clear(tr("Select a hunk to see who wrote it and why."));
        return;
    }
    const ReviewFile &file = m_session->files().at(row);
    const int hunk = m_diff->currentHunk();
    const QString note = m_session->isLoaded() && hunk >= 0 && hunk < file.hunks.size()
        ? m_session->rejectionNote(file.diff.path, file.hunks.at(hunk).hunk)
        : QString();
    m_provenance->showHunk(file, hunk, note, m_session->isLoaded());
}

void ReviewArea::updatePreview()
{
    const bool markdown = m_currentPath.endsWith(QLatin1String(".md"), Qt::CaseInsensitive)
        || m_currentPath.endsWith(QLatin1String(".markdown"), Qt::CaseInsensitive);
    const bool show
        = markdown && m_previewAction->isChecked() && m_session->cachedDiff(m_currentPath);
    m_previewAction->setEnabled(markdown);
    if (show)
        m_preview->setMarkdown(
            stripFrontMatter(QString::fromUtf8(m_session->cachedAfter(m_currentPath))));
    const bool appearing = show && m_preview->isHidden();
    m_preview->setVisible(show);
    // A page is read in its preview: give it close to half the width each
    // time it appears, until the user sets the split by hand.
    if (appearing && !m_previewSplitSet) {
        const int total = m_centre->width();
        m_centre->setSizes({total - total * 9 / 20, total * 9 / 20});
    }
}

void ReviewArea::updateActions()
{
    // Local changes and commits are read, never decided or applied.
    const bool loaded = m_session->isLoaded() && !m_session->isReadOnly();
    const bool hasDiff = m_diff->hunkCount() > 0;
    m_prevAction->setEnabled(!m_currentPath.isEmpty());
    m_nextAction->setEnabled(!m_currentPath.isEmpty());
    m_acceptAction->setEnabled(loaded && hasDiff);
    m_rejectAction->setEnabled(loaded && hasDiff);
    m_acceptFileAction->setEnabled(loaded && !m_currentPath.isEmpty());
    m_rejectFileAction->setEnabled(loaded && !m_currentPath.isEmpty());
    m_applyAction->setEnabled(loaded);
    m_refreshAction->setEnabled(!m_session->projectDir().isEmpty());
    m_openCommitAction->setEnabled(!m_session->projectDir().isEmpty());
    m_changesList->setEnabled(!m_session->projectDir().isEmpty());
    if (loaded) {
        const int open = m_session->undecidedCount();
        m_applyAction->setToolTip(open == 0
                                      ? tr("Land the accepted changes (Ctrl+Return)")
                                      : tr("%1 change(s) still undecided (Ctrl+Return)").arg(open));
    }
}

void ReviewArea::showBanner(const QString &text, int tone)
{
    if (tone < 0 || text.isEmpty()) {
        m_banner->hide();
        return;
    }
    QPalette pal = m_banner->palette();
    pal.setColor(QPalette::Window, ColorScheme::stateTint(ReadinessState(tone), palette(), 0.18));
    pal.setColor(QPalette::WindowText, palette().color(QPalette::Text));
    m_banner->setPalette(pal);
    m_banner->setText(text);
    m_banner->show();
}

void ReviewArea::nextHunk()
{
    const int hunk = m_diff->currentHunk();
    if (hunk + 1 < m_diff->hunkCount()) {
        m_diff->setCurrentHunk(hunk + 1);
        return;
    }
    const int row = m_session->indexOf(m_currentPath);
    if (row + 1 < m_fileModel->rowCount())
        selectFileRow(row + 1, 0);
}

void ReviewArea::previousHunk()
{
    const int hunk = m_diff->currentHunk();
    if (hunk > 0) {
        m_diff->setCurrentHunk(hunk - 1);
        return;
    }
    const int row = m_session->indexOf(m_currentPath);
    if (row > 0)
        selectFileRow(row - 1, -1);
}

void ReviewArea::decideCurrent(bool accept, bool wholeFile)
{
    if (!m_session->isLoaded() || m_session->isReadOnly() || m_currentPath.isEmpty())
        return;
    if (wholeFile) {
        m_session->decide(m_currentPath, -1, accept);
        return;
    }
    const int hunk = m_diff->currentHunk();
    if (hunk < 0)
        return;
    m_session->decide(m_currentPath, hunk, accept);
    // Keyboard review moves on, like a mail reader after marking a message.
    nextHunk();
}

void ReviewArea::acceptHunk()
{
    decideCurrent(true, false);
}

void ReviewArea::rejectHunk()
{
    decideCurrent(false, false);
}

void ReviewArea::acceptFile()
{
    decideCurrent(true, true);
}

void ReviewArea::rejectFile()
{
    decideCurrent(false, true);
}

void ReviewArea::apply()
{
    if (!m_session->isLoaded() || m_session->isReadOnly())
        return;
    showBanner(tr("Applying the accepted changes of %1…").arg(m_session->runId()),
               int(ReadinessState::Skipped));
    m_session->apply();
}

} // namespace ktx
