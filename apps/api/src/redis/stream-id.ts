/**
 * Lua defining `next_id(last_key, stream_key)`: the next Redis stream ID after both the last one given out
 * (`last_key`, shared by streams that interleave, so a cursor never collides across them) and the stream's own
 * newest entry, from the server's clock. Two streams written in the same millisecond get different IDs.
 */
export const NEXT_STREAM_ID_LUA = `
local function next_id(last_key, stream_key)
  local t = redis.call('TIME')
  local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local seq = 0
  local lasts = {redis.call('GET', last_key)}
  local top = redis.call('XREVRANGE', stream_key, '+', '-', 'COUNT', 1)[1]
  if top then lasts[#lasts + 1] = top[1] end
  for _, last in ipairs(lasts) do
    if last then
      local lms, lseq = string.match(last, '^(%d+)-(%d+)$')
      lms = tonumber(lms)
      if lms and ms <= lms then
        if ms < lms or seq <= tonumber(lseq) then seq = tonumber(lseq) + 1 end
        ms = lms
      end
    end
  end
  local id = string.format('%d-%d', ms, seq)
  redis.call('SET', last_key, id)
  return id
end
`;
