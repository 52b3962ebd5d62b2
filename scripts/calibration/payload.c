/* payload.node: a Node-API addon whose objects pin malloc'ed, written payloads.
 *
 * payload(bytes, report) returns an external object owning `bytes`; its finalizer frees them.
 * With report, the bytes are told to V8 with napi_adjust_external_memory, as a well-behaved
 * addon does; without, V8 never learns of them (the sharp / bcrypt pattern).
 *
 *   cc -O2 -shared -fPIC -I/usr/include/node -o payload.node payload.c
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

static void release(napi_env env, void *data, void *hint) {
  int64_t reported = (int64_t)(size_t)hint;
  free(data);
  if (reported > 0) {
    int64_t now;
    napi_adjust_external_memory(env, -reported, &now);
  }
}

static napi_value payload(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t bytes = 0;
  bool report = false;
  napi_get_value_int64(env, argv[0], &bytes);
  if (argc > 1) napi_get_value_bool(env, argv[1], &report);
  void *block = malloc((size_t)bytes);
  if (block == NULL) {
    napi_throw_error(env, NULL, "malloc failed");
    return NULL;
  }
  memset(block, 0x4E, (size_t)bytes);
  if (report) {
    int64_t now;
    napi_adjust_external_memory(env, bytes, &now);
  }
  napi_value result;
  napi_create_external(env, block, release, (void *)(size_t)(report ? bytes : 0), &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "payload", NAPI_AUTO_LENGTH, payload, NULL, &fn);
  napi_set_named_property(env, exports, "payload", fn);
  return exports;
}
