// The words the field page shows for the hub's codes, Simplified Chinese first.
// They must equal console/ui/common/glossary.py's Chinese (tests/field/test_words.py checks).
"use strict";
window.FIELD_WORDS = {
  incident_kinds: {
    crowd_density: "人群密度", cordon_intrusion: "闯入警戒线", animal: "动物", fall: "摔倒",
    smoke: "烟火", fire_hazard: "火灾隐患", illegal_parking: "违规停车", rockfall: "落石",
    debris: "杂物", other: "其他"
  },
  resource_kinds: {
    grid_worker: "网格员", community_staff: "社区工作人员", social_worker: "社工", volunteer: "志愿者",
    police: "民警", traffic_police: "交警", medical: "医疗", fire: "消防", forest_fire: "森林消防",
    law_enforcement: "综合执法"
  },
  // a task's status as the person holding it reads it
  task_statuses: {
    sent: "待接受", accepted: "已接受 · 在途", arrived: "已到达", done: "已完成", declined: "已拒绝",
    cancelled: "已取消"
  },
  // what a pending command does, for the "waiting to send" strip
  commands: { accepted: "接受", declined: "拒绝", arrived: "已到达", done: "已完成" },
  // refusals the hub may answer a task update with (console/protocol/PROTOCOL.md section 9)
  refusals: {
    invalid_state: "任务状态已变化，此操作无效", forbidden: "无权操作此任务", not_found: "任务不存在",
    storage_full: "指挥中心暂时无法记录，请稍后", storage_error: "指挥中心暂时无法记录，请稍后"
  },
  decline_reasons: ["正在处置另一起", "距离太远", "身体不适", "无法联系现场"]
};
