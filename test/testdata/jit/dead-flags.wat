(module
  (type (;0;) (func (param f64 i32) (result i32)))
  (type (;1;) (func (param i32) (result i32)))
  (type (;2;) (func (param i32 i32 i64 i64 i64 i32 i32) (result i32)))
  (type (;3;) (func (param i32 i32 i64 i64 i64 i32 i32 i32) (result i32)))
  (type (;4;) (func (param i32 i32 i64 i32 i32) (result i32)))
  (type (;5;) (func (param i32 i32 i64 i32) (result i32)))
  (import "c" "rd" (func (;0;) (type 0)))
  (import "c" "wr" (func (;1;) (type 0)))
  (import "c" "ex" (func (;2;) (type 1)))
  (import "c" "arith" (func (;3;) (type 2)))
  (import "c" "cond" (func (;4;) (type 3)))
  (import "c" "call" (func (;5;) (type 4)))
  (import "e" "m" (memory (;0;) 1))
  (func $unit@401000 (type 5) (param i32 i32 i64 i32) (result i32)
    (local i64 i64 i64 i64 i64 i32 i32 i64 i64 i64 i32 i32 i32 i32 i32 i64 i64 i64 i64 i64 i64 i32 i32 i32 i32 f64 f64 v128 v128 i32 i32 i32)
    local.get 0
    i64.load
    local.set 4
    local.get 0
    i64.load offset=8
    local.set 5
    local.get 0
    i64.load offset=16
    local.set 6
    local.get 0
    i64.load offset=32
    local.set 7
    local.get 0
    i64.load offset=80
    local.set 8
    local.get 0
    i32.load offset=160
    local.set 9
    local.get 0
    i32.load offset=164
    local.set 10
    local.get 0
    i64.load offset=168
    local.set 11
    local.get 0
    i64.load offset=176
    local.set 12
    local.get 0
    i64.load offset=184
    local.set 13
    local.get 0
    i32.load offset=192
    local.set 14
    local.get 0
    i32.load offset=196
    local.set 15
    local.get 0
    i32.load offset=896
    local.set 16
    local.get 1
    local.set 17
    block  ;; label = @1
      loop  ;; label = @2
        block  ;; label = @3
          block  ;; label = @4
            block  ;; label = @5
              local.get 17
              br_table 1 (;@4;) 0 (;@5;) 0 (;@5;)
            end
            unreachable
          end
          local.get 16
          i32.const 7
          i32.sub
          local.tee 16
          i32.const 0
          i32.lt_s
          if  ;; label = @4
            local.get 16
            i32.const 7
            i32.add
            local.set 16
            i32.const -1
            local.set 18
            i64.const 4198400
            local.set 19
            br 3 (;@1;)
          end
          local.get 8
          i64.const 4294967295
          i64.and
          local.set 22
          i64.const 26
          local.set 23
          local.get 22
          i32.wrap_i64
          local.get 23
          i32.wrap_i64
          i32.rotl
          i64.extend_i32_u
          local.set 24
          local.get 24
          local.set 8
          local.get 5
          i64.const 4294967295
          i64.and
          local.set 22
          i64.const 21
          local.set 23
          local.get 22
          i32.wrap_i64
          local.get 23
          i32.wrap_i64
          i32.rotl
          i64.extend_i32_u
          local.set 24
          local.get 24
          local.set 5
          local.get 5
          local.set 22
          local.get 8
          local.set 23
          local.get 22
          local.get 23
          i64.xor
          local.set 24
          local.get 24
          i64.const 4294967295
          i64.and
          local.set 5
          local.get 4
          local.set 22
          local.get 22
          i64.const 1
          i64.add
          local.set 24
          local.get 24
          local.set 4
          local.get 6
          i64.const 4294967295
          i64.and
          local.set 22
          local.get 5
          i64.const 4294967295
          i64.and
          local.set 23
          local.get 22
          local.get 23
          i64.add
          i64.const 4294967295
          i64.and
          local.set 24
          local.get 24
          local.set 6
          local.get 4
          local.set 22
          i64.const 64
          local.set 23
          local.get 22
          local.get 23
          i64.sub
          local.set 24
          local.get 24
          local.set 11
          local.get 22
          local.set 12
          local.get 23
          local.set 13
          i32.const 3
          local.set 9
          i32.const 8
          local.set 10
          local.get 12
          local.get 13
          i64.lt_s
          if  ;; label = @4
            i32.const 0
            local.set 17
            br 2 (;@2;)
          end
        end
        local.get 16
        i32.const 1
        i32.sub
        local.tee 16
        i32.const 0
        i32.lt_s
        if  ;; label = @3
          local.get 16
          i32.const 1
          i32.add
          local.set 16
          i32.const -1
          local.set 18
          i64.const 4198421
          local.set 19
          br 2 (;@1;)
        end
        local.get 7
        local.set 20
        local.get 20
        i64.const 12
        i64.shr_u
        i32.wrap_i64
        i32.const 16383
        i32.and
        local.tee 25
        i32.const 3
        i32.shl
        i64.load offset=4096
        local.get 20
        i64.const 7
        i64.add
        i64.const 12
        i64.shr_u
        i64.eq
        if (result i64)  ;; label = @3
          local.get 25
          i32.const 2
          i32.shl
          i32.load offset=135168
          local.get 20
          i32.wrap_i64
          i32.add
          i64.load align=1
        else
          local.get 20
          f64.convert_i64_u
          i32.const 8
          call 0
          if  ;; label = @4
            local.get 16
            i32.const 1
            i32.add
            local.set 16
            i32.const 2
            local.set 18
            i64.const 4198421
            local.set 19
            br 3 (;@1;)
          end
          local.get 0
          i64.load offset=912 align=1
        end
        local.set 22
        local.get 7
        i64.const 8
        i64.add
        local.set 7
        local.get 22
        local.get 2
        i64.eq
        if  ;; label = @3
          local.get 22
          local.set 19
          i32.const 100
          local.set 18
          br 2 (;@1;)
        end
        local.get 22
        i32.wrap_i64
        i32.const -1640531535
        i32.mul
        i32.const 16
        i32.shr_u
        i32.const 4
        i32.shl
        local.tee 27
        i64.load offset=397312
        local.get 22
        i64.eq
        if  ;; label = @3
          local.get 27
          i32.load offset=397320
          local.tee 28
          i32.const 1
          i32.eq
          if  ;; label = @4
            local.get 27
            i32.load offset=397324
            local.set 17
            br 2 (;@2;)
          end
          local.get 0
          local.get 4
          i64.store
          local.get 0
          local.get 5
          i64.store offset=8
          local.get 0
          local.get 6
          i64.store offset=16
          local.get 0
          local.get 7
          i64.store offset=32
          local.get 0
          local.get 8
          i64.store offset=80
          local.get 0
          local.get 9
          i32.store offset=160
          local.get 0
          local.get 10
          i32.store offset=164
          local.get 0
          local.get 11
          i64.store offset=168
          local.get 0
          local.get 12
          i64.store offset=176
          local.get 0
          local.get 13
          i64.store offset=184
          local.get 0
          local.get 14
          i32.store offset=192
          local.get 0
          local.get 15
          i32.store offset=196
          local.get 0
          local.get 16
          i32.store offset=896
          local.get 0
          local.get 22
          f64.convert_i64_u
          f64.store offset=224
          local.get 0
          local.get 27
          i32.load offset=397324
          local.get 2
          local.get 3
          local.get 28
          return_call 5
        end
        local.get 22
        local.set 19
        i32.const -1
        local.set 18
        br 1 (;@1;)
      end
    end
    local.get 0
    local.get 4
    i64.store
    local.get 0
    local.get 5
    i64.store offset=8
    local.get 0
    local.get 6
    i64.store offset=16
    local.get 0
    local.get 7
    i64.store offset=32
    local.get 0
    local.get 8
    i64.store offset=80
    local.get 0
    local.get 9
    i32.store offset=160
    local.get 0
    local.get 10
    i32.store offset=164
    local.get 0
    local.get 11
    i64.store offset=168
    local.get 0
    local.get 12
    i64.store offset=176
    local.get 0
    local.get 13
    i64.store offset=184
    local.get 0
    local.get 14
    i32.store offset=192
    local.get 0
    local.get 15
    i32.store offset=196
    local.get 0
    local.get 16
    i32.store offset=896
    local.get 0
    local.get 19
    f64.convert_i64_u
    f64.store offset=224
    local.get 18)
  (export "f" (func $unit@401000)))
