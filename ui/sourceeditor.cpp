#include "sourceeditor.h"

#include "codeeditor.h"
#include "colorscheme.h"
#include "highlight/syntaxhighlighting.h"
#include "models/sourcedocument.h"
#include "models/sourceissuemodel.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace ktx {

SourceEditor::SourceEditor(QWidget *parent)
    : QWidget(parent)
    , m_document(new SourceDocument(this))
    , m_editor(new CodeEditor)
    , m_issues(new QListView)
    , m_title(new QLabel)
    , m_status(new QLabel)
{
    setObjectName(QStringLiteral("sourceEditor"));
    m_editor->setObjectName(QStringLiteral("yamlEditor"));
    m_editor->setLanguage(SyntaxLanguage::Yaml);
    m_editor->setAccessibleName(tr("Source YAML"));
    m_editor->setReadOnly(true);
    m_issues->setObjectName(QStringLiteral("issueList"));
    m_issues->setAccessibleName(tr("Issues"));
    m_issues->setModel(m_document->issueModel());
    m_issues->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_issues->setWordWrap(true);
    m_issues->setUniformItemSizes(false);

    m_saveAction = new QAction(tr("&Save"), this);
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_saveAction->setToolTip(tr("Save the source (Ctrl+S)"));
    connect(m_saveAction, &QAction::triggered, this, &SourceEditor::save);
    m_revertAction = new QAction(tr("&Revert"), this);
    m_revertAction->setToolTip(tr("Discard unsaved changes"));
    connect(m_revertAction, &QAction::triggered, this, &SourceEditor::revert);
    addAction(m_saveAction);
    addAction(m_revertAction);

    m_saveButton = new QToolButton;
    m_saveButton->setDefaultAction(m_saveAction);
    m_saveButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_revertButton = new QToolButton;
    m_revertButton->setDefaultAction(m_revertAction);
    m_revertButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setObjectName(QStringLiteral("editorStatus"));

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_title);
    bar->addStretch(1);
    bar->addWidget(m_status);
    bar->addWidget(m_revertButton);
    bar->addWidget(m_saveButton);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_editor);
    split->addWidget(m_issues);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setSizes({500, 90});
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_applyingText)
            m_document->setText(m_editor->toPlainText());
    });
    connect(m_document, &SourceDocument::loaded, this, [this](const QString &text) {
        m_applyingText = true;
        // setPlainText would drop the undo stack; a revert or reload stays undoable.
        QTextCursor cursor(m_editor->document());
        if (m_editor->document()->isEmpty()) {
            m_editor->setPlainText(text);
        } else {
            cursor.select(QTextCursor::Document);
            cursor.insertText(text);
        }
        m_applyingText = false;
        m_editor->setReadOnly(false);
        if (m_pendingLine > 0) {
            m_editor->goTo(m_pendingLine, m_pendingColumn);
            m_pendingLine = 0;
        } else {
            m_editor->moveCursor(QTextCursor::Start);
        }
        updateStatus();
        Q_EMIT fileLoaded(m_document->filePath());
    });
    connect(m_document, &SourceDocument::loadFailed, this, [this](const QString &message) {
        m_statusText = message;
        m_status->setText(message);
        Q_EMIT statusChanged();
    });
    connect(m_document, &SourceDocument::dirtyChanged, this, &SourceEditor::updateStatus);
    connect(m_document, &SourceDocument::checkStarted, this, &SourceEditor::updateStatus);
    connect(m_document, &SourceDocument::checked, this, [this] {
        showIssues();
        updateStatus();
        if (m_saveAfterCheck) {
            m_saveAfterCheck = false;
            doSave();
        }
    });
    connect(m_document, &SourceDocument::savingChanged, this, &SourceEditor::updateStatus);
    connect(m_document, &SourceDocument::saved, this, [this] {
        updateStatus();
        Q_EMIT fileSaved(m_document->filePath());
    });
    connect(m_document, &SourceDocument::saveFailed, this, [this](const Error &error) {
        // Not a dialog: the unsaved text stays in the editor and the message
        // stays next to Save until the next attempt.
        updateStatus();
        m_statusText = tr("Not saved: %1").arg(error.message);
        m_status->setText(m_statusText);
        m_status->setToolTip(error.toText());
        QPalette pal = m_status->palette();
        pal.setColor(QPalette::WindowText,
                     ColorScheme::stateColor(ReadinessState::Fail, palette()));
        m_status->setPalette(pal);
        Q_EMIT statusChanged();
        Q_EMIT saveFailed(error.message);
    });
    connect(m_document, &SourceDocument::externallyChanged, this, [this](bool dirty) {
        // Without local edits there is nothing to lose: follow the file.
        if (!dirty || (m_confirmReload && m_confirmReload()))
            m_document->reloadFromDisk();
    });
    connect(m_issues, &QListView::activated, this, [this](const QModelIndex &index) {
        m_editor->goTo(index.data(SourceIssueModel::LineRole).toInt(),
                       index.data(SourceIssueModel::ColumnRole).toInt());
    });
    connect(m_issues, &QListView::clicked, this, [this](const QModelIndex &index) {
        m_editor->goTo(index.data(SourceIssueModel::LineRole).toInt(),
                       index.data(SourceIssueModel::ColumnRole).toInt());
    });

    m_confirmInvalidSave = [this](int errors) {
        return QMessageBox::question(
                   this, tr("Save Source"),
                   tr("The source has errors (%1). ktx will not load it until they are "
                      "fixed.\n\nSave anyway?")
                       .arg(errors),
                   QMessageBox::Save | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Save;
    };
    m_confirmReload = [this] {
        return QMessageBox::question(
                   this, tr("Source Changed on Disk"),
                   tr("%1 was changed by another program. Reload it and discard your unsaved "
                      "changes?")
                       .arg(QFileInfo(m_document->filePath()).fileName()),
                   QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
            == QMessageBox::Yes;
    };
    updateStatus();
}

SourceEditor::~SourceEditor() = default;

void SourceEditor::openFile(const QString &filePath)
{
    m_applyingText = true;
    m_editor->clear();
    m_applyingText = false;
    m_editor->setReadOnly(true);
    m_editor->setDiagnostics({});
    m_title->setText(QFileInfo(filePath).fileName());
    m_title->setToolTip(QDir::toNativeSeparators(filePath));
    m_document->open(filePath);
    updateStatus();
}

void SourceEditor::closeFile()
{
    m_document->close();
    m_applyingText = true;
    m_editor->clear();
    m_applyingText = false;
    m_editor->setReadOnly(true);
    m_editor->setDiagnostics({});
    m_title->clear();
    updateStatus();
}

QString SourceEditor::filePath() const
{
    return m_document->filePath();
}

void SourceEditor::showLocation(const QString &filePath, int line, int column)
{
    if (m_document->filePath() == filePath && !m_document->isLoading()) {
        if (line > 0)
            m_editor->goTo(line, column);
        return;
    }
    m_pendingLine = line;
    m_pendingColumn = column;
    openFile(filePath);
}

QString SourceEditor::statusText() const
{
    return m_statusText;
}

void SourceEditor::setConfirmInvalidSave(std::function<bool(int)> confirm)
{
    m_confirmInvalidSave = std::move(confirm);
}

void SourceEditor::setConfirmReload(std::function<bool()> confirm)
{
    m_confirmReload = std::move(confirm);
}

bool SourceEditor::maybeClose()
{
    if (!m_document->isOpen() || !m_document->isDirty())
        return true;
    const auto answer = QMessageBox::question(
        this, tr("Unsaved Source"),
        tr("%1 has unsaved changes.").arg(QFileInfo(m_document->filePath()).fileName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel)
        return false;
    if (answer == QMessageBox::Save)
        save();
    return true;
}

void SourceEditor::save()
{
    if (!m_document->isOpen() || m_document->isLoading())
        return;
    // Decide on the issues of exactly this text: a check may still be pending.
    m_saveAfterCheck = true;
    m_document->checkNow();
}

void SourceEditor::doSave()
{
    const int errors = m_document->issueModel()->errorCount();
    if (errors > 0 && !(m_confirmInvalidSave && m_confirmInvalidSave(errors)))
        return;
    m_document->save();
}

void SourceEditor::revert()
{
    m_saveAfterCheck = false;
    m_document->revert();
}

void SourceEditor::showIssues()
{
    QList<CodeEditor::Diagnostic> diagnostics;
    for (const SourceIssue &issue : m_document->issueModel()->issues())
        diagnostics << CodeEditor::Diagnostic {issue.line, issue.column, issue.isError(),
                                               issue.message};
    m_editor->setDiagnostics(diagnostics);
}

void SourceEditor::updateStatus()
{
    const bool open = m_document->isOpen();
    m_saveAction->setEnabled(open && !m_document->isLoading() && !m_document->isSaving());
    m_revertAction->setEnabled(open && m_document->isDirty());
    QString text;
    ReadinessState tone = ReadinessState::Ok;
    if (!open) {
        text = tr("No source open");
        tone = ReadinessState::Skipped;
    } else if (m_document->isLoading()) {
        text = tr("Loading…");
        tone = ReadinessState::Skipped;
    } else if (m_document->isSaving()) {
        text = tr("Saving…");
        tone = ReadinessState::Skipped;
    } else {
        const int errors = m_document->issueModel()->errorCount();
        const int warnings = int(m_document->issueModel()->issues().size()) - errors;
        if (m_document->isChecking())
            text = tr("Checking…");
        else if (errors > 0)
            text = (errors == 1 ? tr("1 error") : tr("%1 errors").arg(errors));
        else if (warnings > 0)
            text = (warnings == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings));
        else
            text = tr("Valid");
        if (!m_document->isChecking())
            tone = errors > 0 ? ReadinessState::Fail
                              : (warnings > 0 ? ReadinessState::Warn : ReadinessState::Ok);
        else
            tone = ReadinessState::Skipped;
        if (m_document->isDirty())
            text = tr("%1 · modified").arg(text);
    }
    m_statusText = text;
    m_status->setText(text);
    m_status->setToolTip(QString());
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText,
                 tone == ReadinessState::Skipped ? ColorScheme::secondaryText(palette())
                                                 : ColorScheme::stateColor(tone, palette()));
    m_status->setPalette(pal);
    m_title->setText(open ? QString(QFileInfo(m_document->filePath()).fileName()
                                    + (m_document->isDirty() ? QStringLiteral(" *") : QString()))
                          : QString());
    Q_EMIT statusChanged();
}

} // namespace ktx
