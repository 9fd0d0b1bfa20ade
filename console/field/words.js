// The words the field page shows for the hub's codes, Simplified Chinese first.
// They must equal console/ui/common/glossary.py's Chinese (tests/field/test_words.py checks).
"use strict";
window.FIELD_WORDS = {
  incident_kinds: {
    crowd_density: "人群密度", cordon_intrusion: "闯入警戒线", animal: "动物", fall: "摔倒",
    smoke: "烟火", fire_hazard: "火灾隐患", illegal_parking: "违规停车", rockfall: "落石",
    debris: "杂物", other: "其他", camera_offline: "摄像机离线", source_silent: "来源失联"
  },
  // the hub's own health alarms: shown on a task, never offered in a report
  health_kinds: ["camera_offline", "source_silent"],
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
    storage_full: "指挥中心暂时无法记录，请稍后", storage_error: "指挥中心暂时无法记录，请稍后",
    photo_required: "核查需附照片"
  },
  // a drill's (演练) marks: console/ui/common/glossary.py DRILL_WORDS
  drill: { mark: "【演练】", phone_only: "演练：仅在手机上应答，请勿前往", ended: "演练已结束" },
  decline_reasons: ["正在处置另一起", "距离太远", "身体不适", "无法联系现场"],
  // the photo report form (report.js)
  report_words: {
    open: "上报", back: "返回任务", title: "现场上报", kind: "类别", text: "情况说明", text_hint: "看到了什么、在哪里、有无人员受伤",
    add_photo: "拍照 / 添加照片", photos_n: "已选 {n} 张照片", position: "位置（可修改）",
    lon: "经度", lat: "纬度", relocate: "重新定位", locating: "正在定位…", fix: "已定位",
    no_fix: "无法定位，请填写经纬度", cancel: "取消", send: "发送上报",
    need_text: "请填写情况说明", need_photo: "请至少拍一张照片", need_position: "请填写有效的经纬度",
    sent: "上报已送达指挥中心", refused: "上报未被接收："
  },
  // a case's stages (console/ui/common/glossary.py CASE_STAGES) and the case steps' words (cases.js)
  case_stages: {
    registered: "登记", dispatched: "派遣", accepted: "接单", on_site: "到场", handled: "处置", verified: "核查",
    closed: "结案"
  },
  case_words: {
    handled: "已处置", stage: "案件环节：", due: "处置时限 ", to_verify: "待我核查", gone: "隐患已消除",
    still_there: "仍未消除", their_report: "处置情况：", photo_link: "处置照片 {n} ›", note: "说明",
    title_handled: "处置上报", title_verify: "核查：隐患已消除", title_reject: "核查：仍未消除",
    hint_handled: "做了什么、现场现在的样子", hint_verify: "现场核查情况（可选）", hint_reject: "还有什么问题（必填）",
    add_photo: "拍照（可选）", add_photo_needed: "拍照（必需）", need_photo: "请拍一张现场照片",
    need_note: "请写明还有什么问题", send_handled: "发送处置上报", send_verify: "确认已消除", send_reject: "退回重办",
    no_gateway: "照片暂时无法上传：未连接上报网关", photo_refused: "照片未被接收：",
    extend: "申请延期", title_extend: "申请延期", hint_extend: "延期原因（必填）", send_extend: "提交延期申请",
    hours: "延长时间", hours_n: "{n} 个工作小时", extension_pending: "延期申请待批"
  },
  // the gateway's refusals of a report (console/protocol/GATEWAY.md)
  report_refusals: {
    outside_site: "位置不在本辖区内", bad_image: "照片无法识别", unsupported_media_type: "照片格式不支持",
    too_large: "照片太大", too_many_photos: "照片太多（最多 6 张）", invalid: "内容有误", forbidden: "无权上报"
  }
};
