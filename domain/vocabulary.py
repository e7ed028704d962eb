"""The programme's words (用语): each code of the register as people in the programme say it.

One map per concept, and one place for all of them: the console, the report's files, the
compliance audit and the timeline read their Chinese words here. Where the documents name a
thing, the map uses their term (爱心妈妈, 妇联, 县妇联, 外出务工, 无监护能力, 一对一 / 多帮一 /
一对多, 就近 / 就亲); a code without a word is shown as it is. Pure data.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def _words(words: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(words)


#: Who uses the system (角色): the documents' 爱心妈妈, 妇联 (federation staff at a level), 学校,
#: 督导/审计 (the supervising group and auditors).
ROLE_TITLES = _words({"admin": "管理员", "federation": "妇联", "school": "学校",
                      "volunteer": "爱心妈妈", "auditor": "督导/审计", "system": "系统"})

# -- the child (留守儿童档案) -----------------------------------------------------------------

SEX_TITLES = _words({"male": "男", "female": "女"})
#: On the register (在册) or left the programme (已退出).
CHILD_STATUS_TITLES = _words({"active": "在册", "exited": "已退出", "merged": "已合并"})
PARENT_ROLE_TITLES = _words({"father": "父亲", "mother": "母亲"})
#: Where a parent is: away working (外出务工), home, unable to guard (无监护能力), deceased.
PARENT_STATUS_TITLES = _words({"away": "外出务工", "home": "在家", "incapable": "无监护能力",
                               "deceased": "去世"})
#: Special-attention categories (重点/特殊留守儿童); several may apply.
CATEGORY_TITLES = _words({
    "single_parent": "单亲家庭",
    "poor_family": "家庭贫困",
    "subsistence_allowance": "低保家庭",
    "registered_poor": "建档立卡贫困户",
    "disabled": "残疾",
    "both_parents_away": "双亲外出",
    "unsupported": "事实无人抚养",
    "study_difficulty": "学习困难",
    "behaviour_difficulty": "行为偏差",
    "psychological_difficulty": "心理问题",
})

#: Who the entrusted guardian (受委托监护人) is to the child: paternal and maternal grandparents
#: (祖父母、外祖父母: 隔代监护), uncles and aunts, brothers and sisters, other kin, neighbours,
#: teachers.
GUARDIAN_RELATION_TITLES = _words({
    "grandfather": "祖父", "grandmother": "祖母", "maternal_grandfather": "外祖父",
    "maternal_grandmother": "外祖母", "uncle": "叔伯/舅舅", "aunt": "姑姑/姨妈",
    "sibling": "兄弟姐妹", "relative": "其他亲属", "neighbour": "邻居", "teacher": "老师",
    "other": "其他",
})

# -- volunteers (爱心妈妈登记表) --------------------------------------------------------------

VOLUNTEER_STATUS_TITLES = _words({"pending": "审核中", "approved": "已批准", "rejected": "未通过",
                                  "suspended": "暂停", "disqualified": "取消资格"})
REVIEW_DECISION_TITLES = _words({"approve": "同意", "reject": "不同意"})
#: Each level's box on the registration form: 所在单位意见 → 县妇联 → 市州妇联 → 省妇联意见.
REVIEW_LEVEL_TITLES = _words({"unit": "所在单位", "county": "县妇联", "city": "市州妇联",
                              "province": "省妇联"})

# -- pairings (结对帮扶) ----------------------------------------------------------------------

PAIRING_STATUS_TITLES = _words({"ended": "已结束"})
#: Matching principles: nearby (就近), kin (就亲), by need (分类).
PRINCIPLE_TITLES = _words({"nearby": "就近", "kin": "就亲", "need": "分类（按需）"})
SHAPE_TITLES = _words({"one_to_one": "一对一", "one_to_many": "一对多",
                       "many_to_one": "多帮一"})
#: The contact kinds every programme records (联系/走访方式); other kinds are shown as they are.
#: ``activity`` is a caring mother's activity with her children (陪伴活动), not the organised
#: group activity (集体活动, the ``Activity`` aggregate, ``group_activities`` in a report).
CONTACT_KIND_TITLES = _words({
    "phone": "电话", "meeting": "见面", "letter": "书信", "home_visit": "家访",
    "school_visit": "走访学校", "talk": "谈心", "teacher_contact": "联系班主任",
    "guardian_contact": "联系监护人", "parent_call": "亲情电话/书信",
    "parent_contact": "联系父母", "birthday": "共度生日",
    "festival": "共度节日", "tutoring": "学业辅导", "material_aid": "物资帮扶",
    "counselling": "心理疏导", "activity": "陪伴活动",
})

#: The kinds of anomaly reported (情况报告类别), as the demo, the console and the field app
#: offer them (anything else, 其他, says what it is in its description); a kind typed in
#: Chinese is shown as it is.
CONCERN_KIND_TITLES = _words({
    "absence": "缺课", "illness": "生病", "injury": "受伤", "emotional": "情绪问题",
    "neglect": "监护缺失", "safety": "安全隐患", "crisis": "突发事件", "other": "其他",
})

# -- duties, reports, records read ------------------------------------------------------------

#: How a reminder reaches a caring mother (提醒渠道): e-mail, or the webhook behind the SMS or
#: mini-program.
REMINDER_CHANNEL_TITLES = _words({"email": "电子邮件", "webhook": "短信/小程序推送"})

#: Where a duty stands on a day: 已完成 / 待完成 / 已逾期.
DUTY_STATE_TITLES = _words({"met": "已完成", "due": "待完成", "overdue": "已逾期"})
#: A quarterly report's progress (季度报送).
REPORT_STATUS_TITLES = _words({"queued": "排队中", "running": "生成中", "done": "已完成",
                               "failed": "失败"})
#: The quarterly report's figures (季度报表), each with its unit, as its tables, its
#: documents and the console show them.
REPORT_FIGURE_TITLES = _words({
    "children_registered": "在册儿童（人）",
    "children_registered_boys": "在册儿童：男（人）",
    "children_registered_girls": "在册儿童：女（人）",
    "registered_in_quarter": "本季度新建档（人）",
    "exited_in_quarter": "本季度退出（人）",
    "left_behind": "留守儿童（人）",
    "left_behind_boys": "留守儿童：男（人）",
    "left_behind_girls": "留守儿童：女（人）",
    "left_behind_age_min": "留守儿童最小年龄（岁）",
    "left_behind_age_max": "留守儿童最大年龄（岁）",
    "left_behind_special": "有关爱类别的留守儿童（人）",
    "both_parents_away": "双亲外出留守儿童（人）",
    "special_attention": "特殊（重点）留守儿童（人）",
    "grandparent_guardians": "隔代监护留守儿童（人）",
    "left_behind_paired": "已结对留守儿童（人）",
    "left_behind_unpaired": "未结对留守儿童（人）",
    "pairing_coverage": "结对覆盖率",
    "schools_with_pupils": "已知在校学生数的学校（所）",
    "pupils": "上述学校在校学生（人）",
    "left_behind_in_schools_with_pupils": "上述学校留守儿童（人）",
    "left_behind_share_of_pupils": "留守儿童占在校学生比例",
    "pairings_formed": "本季度新结对（对）",
    "pairings_active": "季度末在结对（对）",
    "pairings_ended": "本季度结束结对（对）",
    "contacts": "联系走访（次）",
    "home_visits": "家访（次）",
    "activities": "开展活动（次）",
    "children_contacted": "走访（联系）儿童（人）",
    "items_given": "发放物品（件）",
    "group_activities": "集体活动、慰问（次）",
    "children_reached": "慰问（走访）儿童（人）",
    "aid_yuan": "发放慰问金（元）",
    "aid_fen": "发放慰问金（分）",
    "duties_periods_due": "应履职（期次）",
    "duties_periods_met": "已履职（期次）",
    "duty_compliance": "总体履职率",
    "duties_overdue": "季度末逾期职责（项）",
    "duties_escalated": "逾期超过时限（项）",
    "pairings_with_overdue": "有逾期职责的结对（对）",
    "escalations_raised": "本季度逾期上报（次）",
    "concerns_reported": "本季度报告异常情况（件）",
    "concerns_resolved": "本季度办结（件）",
    "concerns_open": "季度末未办结（件）",
    "volunteers_applied": "本季度申请志愿者（人）",
    "volunteers_newly_approved": "本季度批准（人）",
    "volunteers_rejected": "本季度未通过（人）",
    "volunteers_disqualified": "本季度取消资格（人）",
    "volunteers_commended": "本季度表彰（人）",
    "volunteers_approved": "季度末在册爱心妈妈（人）",
    "volunteers_pending": "季度末审核中（人）",
    "volunteers_suspended": "季度末暂停（人）",
    "volunteers_paired": "季度末在结对爱心妈妈（人）",
    "period_end": "统计截止日（季度未结束时为数据截至当日）",
})

#: A duty's figures in the report (履职情况表的各列).
DUTY_FIGURE_TITLES = _words({
    "periods_due": "应履职期次", "periods_met": "已履职期次", "compliance_rate": "履职率",
    "met": "季度末已完成", "due": "季度末待完成", "overdue": "季度末逾期",
    "escalated": "逾期超时限",
})
#: The report's age bands of left-behind children (年龄段).
AGE_BAND_TITLES = _words({"0-5": "学龄前（0-5岁）", "6-11": "小学学龄（6-11岁）",
                          "12-15": "初中学龄（12-15岁）"})

#: What a reader opened (查阅): the child's record (档案), its history and timeline, or its
#: national ID number shown in full (完整身份证号码).
READ_TITLES = _words({"record": "档案", "history": "历史与时间线", "duties": "履职情况",
                      "export": "档案（导出登记册）", "export_children": "档案（导出花名册）",
                      "export_pairings": "档案（导出结对登记表）", "id_number": "完整身份证号码"})

#: Each event's title in the programme's words (事项), for people reading a timeline or a
#: report's list of late records.
EVENT_TITLES = _words({
    "ChildRegistered": "儿童建档", "ParentChanged": "父母情况变更",
    "GuardianChanged": "监护人变更", "ProfileUpdated": "成长情况更新",
    "CategoriesChanged": "关爱类别变更", "ChildExited": "儿童退出",
    "ChildErased": "个人信息删除", "ConcernReported": "情况报告", "ConcernResolved": "情况办结",
    "PairingFormed": "结对", "ContactRecorded": "联系走访", "PairingEnded": "结对结束",
    "ChildContactRecorded": "学校与工作人员联系走访",
    "SchoolChanged": "升学、转学", "ChildTransferred": "迁出", "ChildCorrected": "档案更正",
    "ChildMerged": "并入另一档案（重复档案合并）", "ChildAbsorbed": "合并重复档案",
    "ChildrenToldApart": "确认不是同一人",
    "ActivityRecorded": "集体活动", "ActivityCancelled": "集体活动撤销",
    "VolunteerApplied": "志愿者申请", "VolunteerReviewed": "志愿者审核",
    "VolunteerSuspended": "志愿者暂停", "VolunteerReinstated": "志愿者恢复",
    "VolunteerDisqualified": "志愿者取消资格", "VolunteerCommended": "志愿者表彰",
    "RecordWasRead": "查阅档案", "BreakGlassOpened": "紧急调阅申请",
    "BreakGlassGranted": "紧急调阅", "ReminderIssued": "履职提醒",
    "ReminderDeliveryAttempted": "提醒发送中", "ReminderDelivered": "提醒已送达",
    "ReminderDeliveryFailed": "提醒发送失败", "DutyEscalated": "逾期上报",
    "ReportRequested": "报表申请", "ReportStarted": "报表生成中", "ReportCompleted": "报表完成",
    "ReportFailed": "报表失败", "UserRegistered": "账号开通", "UserScopeChanged": "账号权限变更",
    "UserPasswordChanged": "账号改密", "UserDeactivated": "账号停用",
})


def title_of(words: Mapping[str, str], code: object) -> str:
    """The word for ``code`` in one concept's map, or the code itself if it has none."""
    return words.get(str(code), str(code))
