"""金点子: sending an idea, and what the submitter hears as the office decides."""
from __future__ import annotations

# ---- 金点子 (ideas to the government) ----
IDEA_CHOOSE_FIELD = "欢迎您建言献策！您的金点子是关于哪方面的？请点下面的按钮。"
IDEA_DESCRIBE = "请说说您的金点子。打字、发语音、发照片都可以，可以分几条说。\n说完了，请点「✅ 说完了」。"
IDEA_FIELD_FIRST = "收到了，先为您记下。请再点一下下面的按钮：您的金点子是关于哪方面的？"
IDEA_DESCRIBE_MORE = "好的。您刚才说的已经记下了（{count} 条）。还有要说的可以接着说，说完了请点「✅ 说完了」。"
IDEA_PART_RECEIVED = "收到了（已记下 {count} 条）。还有要说的可以接着说，说完了请点「✅ 说完了」。"
IDEA_NOTHING_YET = "您还没有说您的金点子。请打字、发语音或照片告诉我们，说完了再点「✅ 说完了」。"
IDEA_SUMMARY = "请核对一下：\n方面：{field}\n内容：{content}\n\n没问题请点「✅ 确认提交」。"
IDEA_SUBMITTED = "金点子 #{id} 已收到，感谢您建言献策！\n工作人员研究以后，会在这里告诉您结果。"
# What the submitter is told as the office decides. {ref} is "#56 ", or "#56（与 #60 一并办理）" for an
# idea merged into another, whose news is theirs too (so no space follows {ref} in the sentences).
IDEA_REF = "#{id} "
IDEA_REF_TOGETHER = "#{id}（与 #{into} 一并办理）"
IDEA_NEWS = {
    "reviewing": "您的金点子 {ref}正在研究办理中，有结果会马上告诉您。",
    "adopted": "好消息！您的金点子 {ref}已被采纳。感谢您建言献策！",
    "noted": "您的金点子 {ref}我们认真研究了，这次暂未采纳。\n原因：{reply}\n感谢您建言献策，欢迎继续提出好建议。",
    "implemented": "好消息！您的金点子 {ref}已经落实了。感谢您为大家出了好主意！",
}
IDEA_NEWS_REPLY = "\n答复：{reply}"  # after the news, when the office wrote something (noted says it as 原因)
IDEA_FURTHER_REPLY = "关于您的金点子 {ref}答复如下：\n{reply}"
IDEA_MERGED = (
    "您的金点子 #{id} 和另一条建议（#{into}）想到一块儿了，我们会把它们放在一起研究办理。"
    "以后有进展，会在这里告诉您。"
)
IDEA_STATUS = {"submitted": "已收到", "reviewing": "研究办理中", "adopted": "已采纳", "noted": "暂未采纳",
               "implemented": "已落实", "merged": "一并办理"}
IDEA_MINE_NONE = "您还没有提过金点子。有好建议时，点「💡 金点子」就行。"
IDEA_MINE_LIST = "您提的金点子（点一下可以查看）："
IDEA_MINE_ITEM = "#{id} {field} · {status}"
IDEA_VIEW_HEADER = "金点子 #{id}（{field}，{status}）"
IDEA_VIEW_TOGETHER = "与 #{into} 一并办理，现在：{status}"
IDEA_VIEW_SAID = "您说的：{content}"
IDEA_VIEW_REPLY = "{date} 答复：{reply}"
IDEA_NOT_FOUND = "没有找到这条金点子。请点下面的按钮重新选择。"
MINE_IDEAS_BUTTON = "💡 我的金点子"

STAFF_IDEA_CARD = "【金点子 #{id}】{name}（#{retiree_id}）· {field}\n{summary}"
