#include "ui/rawfileviewer.h"

#include "highlight/syntaxhighlighting.h"
#include "ui/codeeditor.h"

#include <QDialogButtonBox>
#include <QTextBlock>
#include <QVBoxLayout>

namespace ktx {

RawFileViewer::RawFileViewer(QWidget *parent)
    : QDialog(parent)
    , m_editor(new CodeEditor)
{
    setObjectName(QStringLiteral("rawFileViewer"));
    m_editor->setReadOnly(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_editor);
    layout->addWidget(buttons);
    resize(820, 560);
}

void RawFileViewer::showFile(const QString &path, const QByteArray &bytes, int firstLine,
                             int lastLine)
{
    setWindowTitle(firstLine > 0
                       ? tr("%1 (lines %2–%3, run branch)").arg(path).arg(firstLine).arg(lastLine)
                       : tr("%1 (run branch)").arg(path));
    m_editor->setLanguage(syntaxLanguageForFileName(path));
    m_editor->setPlainText(QString::fromUtf8(bytes));
    if (firstLine <= 0)
        return;
    m_editor->goTo(firstLine, 1);
    const QTextBlock first = m_editor->document()->findBlockByNumber(firstLine - 1);
    const QTextBlock last
        = m_editor->document()->findBlockByNumber(std::max(firstLine, lastLine) - 1);
    if (!first.isValid())
        return;
    QTextCursor cursor(first);
    cursor.setPosition(last.isValid() ? last.position() + last.length() - 1
                                      : first.position() + first.length() - 1,
                       QTextCursor::KeepAnchor);
    m_editor->setTextCursor(cursor);
    m_editor->centerCursor();
}

} // namespace ktx
